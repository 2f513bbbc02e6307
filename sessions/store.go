package sessions

import "time"

// Store is where session records and the state each session keeps outside
// Chromium (cookies, storage, settings) are durable, so that sessions
// outlive server restarts. The Service keeps records in memory and writes
// every change here before it acknowledges it. BoltStore, one file in the
// data dir, is the default.
type Store interface {
	// Put writes a session's record, durable before it returns.
	Put(sess *Session) error
	// PutState writes the state a session keeps outside Chromium, durable
	// before it returns.
	PutState(id string, raw []byte) error
	// State reads a session's saved state; nil when there is none.
	State(id string) ([]byte, error)
	// Delete removes a session's record and state.
	Delete(id string) error
	// All reads every record; ids of records that do not decode are in
	// broken, so one bad entry never stops the server.
	All() (all []*Session, broken []string, err error)
	// Close releases the store.
	Close() error
}

// storeAs is store as a T, or the store a wrapper (SealStore's) wraps as
// one.
func storeAs[T any](store Store) (T, bool) {
	for {
		if t, ok := store.(T); ok {
			return t, true
		}
		w, ok := store.(interface{ Unwrap() Store })
		if !ok {
			var none T
			return none, false
		}
		store = w.Unwrap()
	}
}

// Lister is a Store that selects and pages a listing itself, instead of
// the Service filtering every record in memory.
type Lister interface {
	// List returns up to q.Limit sessions that match q, newest first.
	List(q ListQuery) ([]*Session, error)
}

// ListQuery is a Filter as a Lister reads it.
type ListQuery struct {
	Status Status         // empty for any
	Live   []string       // ids whose browsers run on this server
	Query  *MetadataQuery // nil for any
	Name   string         // Options.Name; empty for any
	After  *Session       // only sessions older than this one (CreatedAt, ID); nil for the first page
	Now    time.Time      // sessions expired by then are left out
	Limit  int
}

// Limiter is a Store that counts MAX_SESSIONS itself: PutNew stores a new
// session only while fewer than max are stored, in one transaction.
type Limiter interface {
	PutNew(sess *Session, max int) (stored bool, err error)
}
