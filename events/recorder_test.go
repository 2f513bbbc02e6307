package events_test

import (
	"fmt"
	"testing"

	"github.com/sessionql/sessionql/events"
)

// TestRecorderForget: two recorders on one log, as two servers on one
// database. After Forget, a recorder numbers the session's next event
// after what the other one wrote, instead of reusing its IDs.
func TestRecorderForget(t *testing.T) {
	log := boltLog(events.NewBoltLog)(t)
	a, b := events.NewRecorder(log, 0, nil), events.NewRecorder(log, 0, nil)
	defer a.Close()
	defer b.Close()
	flush := func(r *events.Recorder) {
		if _, err := r.Read("s", events.Query{}); err != nil {
			t.Fatal(err)
		}
	}
	a.Record("s", events.Console, "on a")
	flush(a)
	for range 3 {
		b.Record("s", events.Console, "on b")
	}
	flush(b)
	a.Forget("s")
	a.Record("s", events.Console, "on a again")
	p, err := a.Read("s", events.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range p.Events {
		got = append(got, fmt.Sprintf("%d %s", e.ID, e.Data))
	}
	want := []string{`1 "on a"`, `2 "on b"`, `3 "on b"`, `4 "on b"`, `5 "on a again"`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events %q, want %q", got, want)
	}
}
