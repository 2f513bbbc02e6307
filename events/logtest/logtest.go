// Package logtest checks an events.Log: every store's Log (bbolt,
// PostgreSQL) runs the same tests.
package logtest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/sessionql/sessionql/events"
)

// Run runs every check on logs that open returns, a new empty one per
// check.
func Run(t *testing.T, open func(t *testing.T) events.Log) {
	t.Run("AppendRead", func(t *testing.T) { appendRead(t, open(t)) })
	t.Run("Query", func(t *testing.T) { query(t, open(t)) })
	t.Run("Truncate", func(t *testing.T) { truncate(t, open(t)) })
	t.Run("Expire", func(t *testing.T) { expire(t, open(t)) })
}

// RunKeepFirst runs the checks on logs that keep their first events over
// their bound (a recording's log): the same reading and expiry, and
// keepFirst instead of Truncate.
func RunKeepFirst(t *testing.T, open func(t *testing.T) events.Log) {
	t.Run("AppendRead", func(t *testing.T) { appendRead(t, open(t)) })
	t.Run("Query", func(t *testing.T) { query(t, open(t)) })
	t.Run("KeepFirst", func(t *testing.T) { keepFirst(t, open(t)) })
	t.Run("Expire", func(t *testing.T) { expire(t, open(t)) })
}

var start = time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)

// batch makes events from..to of session, one second apart, alternating
// two types.
func batch(session string, from, to uint64) []events.Event {
	var evs []events.Event
	for id := from; id <= to; id++ {
		typ := events.Console
		if id%2 == 0 {
			typ = events.Navigated
		}
		data, _ := json.Marshal(map[string]any{"n": id, "text": fmt.Sprintf("event %d", id)})
		evs = append(evs, events.Event{ID: id, Session: session, Type: typ, Time: start.Add(time.Duration(id) * time.Second), Data: data})
	}
	return evs
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ids(p events.Page) []uint64 {
	var out []uint64
	for _, e := range p.Events {
		out = append(out, e.ID)
	}
	return out
}

func sameIDs(t *testing.T, what string, p events.Page, want ...uint64) {
	t.Helper()
	if got := ids(p); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: ids %v, want %v", what, got, want)
	}
}

func appendRead(t *testing.T, l events.Log) {
	must(t, l.Append("a", batch("a", 1, 3), 0))
	must(t, l.Append("a", batch("a", 4, 5), 0))
	must(t, l.Append("b", batch("b", 1, 1), 0))
	p, err := l.Read("a", events.Query{})
	must(t, err)
	sameIDs(t, "all of a", p, 1, 2, 3, 4, 5)
	want := batch("a", 1, 5)
	for i, e := range p.Events {
		if e.Type != want[i].Type || !e.Time.Equal(want[i].Time) || e.Session != "a" || string(e.Data) != string(want[i].Data) {
			t.Errorf("event %d reads back as %+v, want %+v", i+1, e, want[i])
		}
	}
	if p.Truncated || p.Next != 0 {
		t.Errorf("truncated %v, next %d: want false, 0", p.Truncated, p.Next)
	}
	for session, want := range map[string]uint64{"a": 5, "b": 1, "none": 0} {
		last, err := l.LastID(session)
		must(t, err)
		if last != want {
			t.Errorf("LastID(%s) = %d, want %d", session, last, want)
		}
	}
	p, err = l.Read("none", events.Query{})
	must(t, err)
	sameIDs(t, "a session without events", p)
}

func query(t *testing.T, l events.Log) {
	must(t, l.Append("a", batch("a", 1, 10), 0))
	read := func(q events.Query) events.Page {
		t.Helper()
		p, err := l.Read("a", q)
		must(t, err)
		return p
	}
	sameIDs(t, "after 7", read(events.Query{After: 7}), 8, 9, 10)
	sameIDs(t, "navigated", read(events.Query{Types: map[string]bool{events.Navigated: true}}), 2, 4, 6, 8, 10)
	sameIDs(t, "since the 9th second", read(events.Query{Since: start.Add(9 * time.Second)}), 9, 10)
	p := read(events.Query{Limit: 3})
	sameIDs(t, "first page", p, 1, 2, 3)
	if p.Next != 3 {
		t.Errorf("next %d, want 3", p.Next)
	}
	p = read(events.Query{After: 4, Types: map[string]bool{events.Console: true}, Limit: 2})
	sameIDs(t, "console after 4, two", p, 5, 7)
	if p.Next != 7 {
		t.Errorf("next %d, want 7", p.Next)
	}
	p = read(events.Query{After: 7, Types: map[string]bool{events.Console: true}, Limit: 2})
	sameIDs(t, "the last page", p, 9)
	if p.Next != 0 {
		t.Errorf("next %d on the last page, want 0", p.Next)
	}
	p = read(events.Query{Limit: 10})
	if p.Next != 0 {
		t.Errorf("next %d when exactly the limit is left, want 0", p.Next)
	}
}

// overflow appends events 1..20 of session a, four at a time, to a log
// with room for five, and checks what it kept, that it says truncated and
// its LastID; max is the bound it used.
func overflow(t *testing.T, l events.Log, last uint64, kept ...uint64) (max int) {
	t.Helper()
	evs := batch("a", 1, 20)
	size := evs[0].Size()
	max = 5*size + size/2 // room for five events
	for i := 0; i < len(evs); i += 4 {
		must(t, l.Append("a", evs[i:i+4], max))
	}
	p, err := l.Read("a", events.Query{})
	must(t, err)
	sameIDs(t, "kept", p, kept...)
	if !p.Truncated {
		t.Error("not truncated")
	}
	got, err := l.LastID("a")
	must(t, err)
	if got != last {
		t.Errorf("LastID %d after truncation, want %d", got, last)
	}
	return max
}

func truncate(t *testing.T, l events.Log) {
	max := overflow(t, l, 20, 16, 17, 18, 19, 20)
	must(t, l.Append("b", batch("b", 1, 2), max))
	if p, _ := l.Read("b", events.Query{}); p.Truncated {
		t.Error("another session's log says truncated")
	}
}

func expire(t *testing.T, l events.Log) {
	for _, s := range []string{"old", "new", "live"} {
		must(t, l.Append(s, batch(s, 1, 3), 0))
	}
	must(t, l.End("old", start))
	must(t, l.End("new", start.Add(time.Hour)))
	must(t, l.End("empty", start)) // ended without an event
	n, err := l.DeleteExpired(start.Add(time.Minute))
	must(t, err)
	if n != 2 {
		t.Errorf("deleted %d logs, want 2 (old, empty)", n)
	}
	for s, want := range map[string]int{"old": 0, "new": 3, "live": 3} {
		p, err := l.Read(s, events.Query{})
		must(t, err)
		if len(p.Events) != want {
			t.Errorf("%s: %d events after expiry, want %d", s, len(p.Events), want)
		}
	}
	if last, _ := l.LastID("old"); last != 0 {
		t.Errorf("LastID of an expired log %d, want 0", last)
	}
	if n, _ := l.DeleteExpired(start.Add(time.Minute)); n != 0 {
		t.Errorf("a second DeleteExpired deleted %d", n)
	}
}

// keepFirst: a log at its bound keeps the events it has, refuses newer
// ones (in the batch that overflows and in later ones), says truncated,
// and its LastID is the newest event it kept.
func keepFirst(t *testing.T, l events.Log) {
	max := overflow(t, l, 5, 1, 2, 3, 4, 5)
	must(t, l.Append("b", batch("b", 1, 5), max))
	p, err := l.Read("b", events.Query{})
	must(t, err)
	sameIDs(t, "another session's log, exactly full", p, 1, 2, 3, 4, 5)
	if p.Truncated {
		t.Error("a log that took every event says truncated")
	}
	must(t, l.Append("c", batch("c", 1, 3), 0))
	must(t, l.Append("c", batch("c", 4, 30), 0))
	if p, _ := l.Read("c", events.Query{}); len(p.Events) != 30 || p.Truncated {
		t.Errorf("a log without a bound kept %d events, truncated %v; want 30, false", len(p.Events), p.Truncated)
	}
}
