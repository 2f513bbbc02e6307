package events

import "time"

// Log is where events are kept after they happen: the server's store. A
// bbolt Log comes with this package (NewBoltLog); a PostgreSQL one needs
// the same four methods.
type Log interface {
	// Append adds events of one session, in ID order, and then drops the
	// session's oldest events while it holds more than maxBytes.
	Append(session string, evs []Event, maxBytes int) error
	// Read returns the session's events that match q, oldest first.
	Read(session string, q Query) (Page, error)
	// LastID is the ID of the session's newest event, 0 when it has none.
	LastID(session string) (uint64, error)
	// End marks the session as ended at t; its events are kept until
	// DeleteExpired is given a time after t.
	End(session string, t time.Time) error
	// DeleteExpired removes the events of sessions that ended before t.
	DeleteExpired(t time.Time) (int, error)
}

// Query selects events: after an ID, of some types, since a time, at most
// Limit of them.
type Query struct {
	After uint64
	Types map[string]bool // empty: every type
	Since time.Time
	Limit int
}

func (q Query) match(e Event) bool {
	return e.ID > q.After && (len(q.Types) == 0 || q.Types[e.Type]) && !e.Time.Before(q.Since)
}

// Page is one answer to a Query. Next is the After of the next page, 0
// when there is none; Truncated says that older events were dropped to
// keep the session's log under its bound.
type Page struct {
	Events    []Event `json:"events"`
	Next      uint64  `json:"-"`
	Truncated bool    `json:"truncated"`
}
