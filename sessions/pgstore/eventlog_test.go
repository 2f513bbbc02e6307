package pgstore

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sessionql/sessionql/events"
	"github.com/sessionql/sessionql/events/logtest"
	"github.com/sessionql/sessionql/internal/testutil"
)

// TestEventLog runs the checks every events.Log passes, on a database of
// its own per check.
func TestEventLog(t *testing.T) {
	logtest.Run(t, func(t *testing.T) events.Log {
		return open(t, testutil.Running().PG.Database(t)).EventLog()
	})
}

// TestRecordingLog runs the checks of a log that keeps its first events.
func TestRecordingLog(t *testing.T) {
	logtest.RunKeepFirst(t, func(t *testing.T) events.Log {
		return open(t, testutil.Running().PG.Database(t)).RecordingLog()
	})
}

// TestEventLogTwoWriters: two servers on one database that both number
// events of one session from 1 (cluster mode, the session moved) lose
// none; the later ones are numbered on after the earlier.
func TestEventLogTwoWriters(t *testing.T) {
	url := testutil.Running().PG.Database(t)
	a, b := open(t, url).EventLog(), open(t, url).EventLog()
	batch := func(from string) []events.Event {
		var evs []events.Event
		for i := range 3 {
			evs = append(evs, events.Event{ID: uint64(i + 1), Session: "s1", Type: "console", Time: time.Now(), Data: json.RawMessage(`{"from":"` + from + `"}`)})
		}
		return evs
	}
	if err := a.Append("s1", batch("a"), 0); err != nil {
		t.Fatal(err)
	}
	if err := b.Append("s1", batch("b"), 0); err != nil {
		t.Fatal(err)
	}
	page, err := a.Read("s1", events.Query{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) != 6 {
		t.Fatalf("read %d events, want 6: %+v", len(page.Events), page.Events)
	}
	for i, e := range page.Events {
		if e.ID != uint64(i+1) {
			t.Errorf("event %d has id %d", i, e.ID)
		}
	}
	if last, err := b.LastID("s1"); err != nil || last != 6 {
		t.Errorf("LastID %d, %v; want 6", last, err)
	}
}
