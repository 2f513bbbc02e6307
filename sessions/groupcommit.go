package sessions

import (
	"sync"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// maxGroup bounds how many writes share one commit.
const maxGroup = 1000

// groupCommit writes to a bbolt file in as few synced commits as the load
// allows: a write that arrives while a commit is being synced waits for it
// and goes, with every other write that arrived meanwhile, into the next
// commit. A write alone is committed at once, with no delay to gather
// others (bbolt's own DB.Batch waits up to MaxBatchDelay for company). Each
// write returns only after the commit that holds it is synced, so an
// acknowledged write is as durable as with one commit per write.
type groupCommit struct {
	update func(fn func(*bolt.Tx) error) error // the file's Update, made safe by the caller

	mu      sync.Mutex
	closed  bool
	writes  chan groupWrite
	stopped chan struct{}
}

type groupWrite struct {
	fn   func(*bolt.Tx) error
	done chan error
}

func newGroupCommit(update func(fn func(*bolt.Tx) error) error) *groupCommit {
	g := &groupCommit{update: update, writes: make(chan groupWrite, maxGroup), stopped: make(chan struct{})}
	go g.run()
	return g
}

// write runs fn in a read-write transaction and returns once that
// transaction is committed and synced. fn may run more than once (when
// another write of the same commit fails, each is retried alone), so it
// must be idempotent.
func (g *groupCommit) write(fn func(*bolt.Tx) error) error {
	done := make(chan error, 1)
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return berrors.ErrDatabaseNotOpen
	}
	g.writes <- groupWrite{fn: fn, done: done}
	g.mu.Unlock()
	return <-done
}

// close commits what is queued and stops; later writes fail.
func (g *groupCommit) close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.writes)
	}
	g.mu.Unlock()
	<-g.stopped
}

func (g *groupCommit) run() {
	defer close(g.stopped)
	for w := range g.writes {
		group := []groupWrite{w}
	gather:
		for len(group) < maxGroup {
			select {
			case w, ok := <-g.writes:
				if !ok {
					break gather
				}
				group = append(group, w)
			default:
				break gather
			}
		}
		g.commit(group)
	}
}

// commit runs the group in one transaction; if that fails, each write is
// run in its own, so that one bad write fails alone.
func (g *groupCommit) commit(group []groupWrite) {
	err := g.update(func(tx *bolt.Tx) error {
		for _, w := range group {
			if err := w.fn(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && len(group) > 1 {
		for _, w := range group {
			w.done <- g.update(w.fn)
		}
		return
	}
	for _, w := range group {
		w.done <- err
	}
}
