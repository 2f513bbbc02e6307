package sessions

import (
	"context"
	"sync"
	"time"

	"github.com/sessionql/sessionql/engine"
)

// entry is one session in memory: its record and, while live, its browser.
// turn serialises BrowserQL requests. wake is held while a browser starts or
// closes on the profile, so two browsers never share it; it is a channel so
// that waiting for it can give up with the request. mu guards the rest.
type entry struct {
	id   string
	turn chan struct{}
	wake chan struct{}

	mu       sync.Mutex
	sess     *Session
	browser  *engine.Browser
	page     *engine.Page
	users    int // running requests and connected CDP clients
	lastUsed time.Time
	savedAt  time.Time // the last checkpoint
	stopped  bool
	ended    chan struct{} // closed when the session is stopped

	pingedAt time.Time       // when a health ping still unanswered was sent; zero when none is; see health.go
	wedged   *engine.Browser // the browser killed for not answering, until it has exited
	lost     bool            // the last browser was killed or crashed: the next start is a relaunch
	unpacked string          // the ProfileStore key whose copy the profile directory holds

	recorder      *engine.Recorder // records the live browser's pages; see recording.go
	recordedBytes int              // the recording's bytes handed to its log since the server started

	saving sync.Mutex // serialises checkpoints; guards saved
	saved  savedState
}

func newEntry(sess *Session) *entry {
	return &entry{id: sess.ID, turn: make(chan struct{}, 1), wake: make(chan struct{}, 1), ended: make(chan struct{}), sess: sess, lastUsed: time.Now()}
}

func (e *entry) snapshot() (*Session, Status, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return nil, "", errStoppedNotFound(e.id)
	}
	return e.sess.clone(), e.status(), nil
}

// status is live while a browser runs; the caller holds e.mu.
func (e *entry) status() Status {
	if e.browser != nil {
		return Live
	}
	return Hibernated
}

func (e *entry) expired(now time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.sess.Expired(now)
}

// idleSince reports whether the browser is live with no user since before t.
func (e *entry) idleSince(t time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.browser != nil && e.users == 0 && e.lastUsed.Before(t)
}

// markSaved notes a checkpoint now; false if the session was stopped and
// has nothing to save.
func (e *entry) markSaved() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.savedAt = time.Now()
	return !e.stopped
}

// lockWake waits for the profile to be free, or for ctx to end.
func (e *entry) lockWake(ctx context.Context) error { return take(ctx, e.wake) }

// tryLockWake takes the profile only if nobody holds it.
func (e *entry) tryLockWake() bool { return tryTake(e.wake) }

func (e *entry) unlockWake() { <-e.wake }

// dueCheckpoint reports whether a CDP client uses the live browser and the
// last checkpoint is older than t.
func (e *entry) dueCheckpoint(t time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.browser != nil && e.users > 0 && e.savedAt.Before(t)
}

// tryTakeTurn takes the turn only if no BrowserQL request holds it.
func (e *entry) tryTakeTurn() bool { return tryTake(e.turn) }

// takeTurn waits until no other BrowserQL request runs on the session.
func (e *entry) takeTurn(ctx context.Context) error { return take(ctx, e.turn) }

func (e *entry) endTurn() { <-e.turn }

// take takes a one-slot channel used as a lock, or gives up when ctx ends.
func take(ctx context.Context, lock chan struct{}) error {
	select {
	case lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// tryTake takes a one-slot channel lock only if it is free.
func tryTake(lock chan struct{}) bool {
	select {
	case lock <- struct{}{}:
		return true
	default:
		return false
	}
}

// join counts a user of a browser that already runs; ok is false when none
// runs.
func (e *entry) join() (page *engine.Page, b *engine.Browser, ok bool, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return nil, nil, false, errStoppedNotFound(e.id)
	}
	if e.browser == nil {
		return nil, nil, false, nil
	}
	e.users++
	return e.page, e.browser, true, nil
}

// attach makes a started browser the session's, with its first user; it
// fails when the session was stopped meanwhile.
func (e *entry) attach(b *engine.Browser, page *engine.Page) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return false
	}
	e.browser, e.page = b, page
	e.users++
	return true
}

// done marks the end of one use.
func (e *entry) done() {
	e.mu.Lock()
	e.users--
	e.lastUsed = time.Now()
	e.mu.Unlock()
}

// detach takes the browser away from the session so it can be closed: only
// when nobody uses it, unless force. It returns nil when there is none.
func (e *entry) detach(force bool) (*engine.Browser, *engine.Page) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.browser == nil || e.users > 0 && !force {
		return nil, nil
	}
	b, page := e.browser, e.page
	e.browser, e.page = nil, nil
	return b, page
}

// forget drops b if it is still the session's browser, after it exited by
// itself or was killed for not answering (killed), and returns its page to
// close.
func (e *entry) forget(b *engine.Browser) (page *engine.Page, killed bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	killed = e.wedged == b
	if e.wedged == b {
		e.wedged = nil
	}
	if e.browser != b {
		return nil, killed
	}
	page = e.page
	e.browser, e.page = nil, nil
	e.lost = true
	return page, killed
}

// stop marks the session stopped, so no browser starts for it again, and
// takes its browser away to be killed. Its page is stopped at once, so that
// a request running on it ends now with session_stopped.
func (e *entry) stop() (*engine.Browser, *engine.Page) {
	e.mu.Lock()
	if !e.stopped {
		close(e.ended)
	}
	e.stopped = true
	e.mu.Unlock()
	b, page := e.detach(true)
	if page != nil {
		page.Stop(errSessionStopped(e.id))
	}
	return b, page
}

// untilStopped is ctx, ended with session_stopped when the session is
// stopped, so that a request waiting for its turn, a browser slot or a
// launch ends at once with DELETE or expiry rather than at its queue
// timeout.
func (e *entry) untilStopped(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	go func() {
		select {
		case <-e.ended:
			cancel(errSessionStopped(e.id))
		case <-ctx.Done():
		}
	}()
	return ctx, func() { cancel(nil) }
}

// isStopped reports whether the session was stopped.
func (e *entry) isStopped() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stopped
}

// isUnpacked reports whether the profile directory holds the copy kept
// under key.
func (e *entry) isUnpacked(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.unpacked == key
}

// setUnpacked notes that the profile directory holds the copy under key.
func (e *entry) setUnpacked(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.unpacked = key
}
