package sessions

import (
	"context"
	"sync"
	"time"

	"github.com/sessionql/sessionql/engine"
)

// entry is one session in memory: its record and, while live, its browser.
// turn serialises BrowserQL requests; mu guards the rest.
type entry struct {
	id     string
	turn   chan struct{}
	waking sync.Mutex // held while a browser starts or closes on the profile

	mu       sync.Mutex
	sess     *Session
	browser  *engine.Browser
	page     *engine.Page
	users    int // running requests and connected CDP clients
	lastUsed time.Time
	stopped  bool
}

func newEntry(sess *Session) *entry {
	return &entry{id: sess.ID, turn: make(chan struct{}, 1), sess: sess, lastUsed: time.Now()}
}

func (e *entry) snapshot() (*Session, Status, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return nil, "", errStopped
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

// takeTurn waits until no other BrowserQL request runs on the session.
func (e *entry) takeTurn(ctx context.Context) error {
	select {
	case e.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *entry) endTurn() { <-e.turn }

// done marks the end of one use.
func (e *entry) done() {
	e.mu.Lock()
	e.users--
	e.lastUsed = time.Now()
	e.mu.Unlock()
}

// detach forgets the browser if it is still b, and frees its slot; it
// returns what to close. The caller holds e.mu.
func (e *entry) detach(b *engine.Browser, slots *slots) (*engine.Browser, *engine.Page) {
	if e.browser == nil || e.browser != b {
		return nil, nil
	}
	page := e.page
	e.browser, e.page = nil, nil
	slots.release()
	return b, page
}

// stop ends the browser at once; the profile is deleted by the caller.
func (e *entry) stop(slots *slots) {
	e.mu.Lock()
	e.stopped = true
	b, page := e.detach(e.browser, slots)
	e.mu.Unlock()
	if b != nil {
		page.Close()
		b.Kill()
	}
}
