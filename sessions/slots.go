package sessions

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sessionql/sessionql"
)

// slots bounds live browser processes. A waker that finds none free first
// hibernates an idle browser; only when every live browser is busy does it
// queue, for at most the queue timeout. A slot is held from before a launch
// until the process has exited.
type slots struct {
	mu       sync.Mutex
	max      int
	used     int
	queueMax int
	waiting  int
	timeout  time.Duration
	changed  chan struct{} // closed and replaced when a slot may have freed
	closed   chan struct{} // closed at shutdown: nobody waits any more

	rejections rejections
}

func newSlots(cfg Config) *slots {
	return &slots{max: cfg.MaxBrowsers, queueMax: cfg.Queue, timeout: cfg.QueueTimeout, changed: make(chan struct{}), closed: make(chan struct{})}
}

// acquire takes a slot, calling evict to make room while none is free. The
// queue timeout counts from when the request first had to queue, not while
// an idle browser closes for it.
func (l *slots) acquire(ctx context.Context, evict func() bool) error {
	var deadline <-chan time.Time
	queued := false
	defer l.leave(&queued)
	for {
		changed, ok := l.take()
		if ok {
			return nil
		}
		if !evict() {
			if err := l.join(&queued); err != nil {
				return err
			}
			if deadline == nil {
				timer := time.NewTimer(l.timeout)
				defer timer.Stop()
				deadline = timer.C
			}
		}
		select {
		case <-changed:
		case <-deadline:
			l.rejections.add()
			return tooMany(fmt.Sprintf("All %d browsers stayed busy for %s; try again later.", l.max, l.timeout), l.max, 0, l.timeout)
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-l.closed:
			return errShuttingDown()
		}
	}
}

// take takes a free slot, or returns what to wait on for one to free; both
// under one lock, so that no release in between goes unnoticed.
func (l *slots) take() (<-chan struct{}, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.used < l.max {
		l.used++
		return nil, true
	}
	return l.changed, false
}

// join enters the queue once; a full queue refuses at once.
func (l *slots) join(queued *bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if *queued {
		return nil
	}
	if l.waiting >= l.queueMax {
		l.rejections.add()
		return tooMany(fmt.Sprintf("All %d browsers are busy and %d requests already wait; try again later.", l.max, l.waiting), l.max, 0, time.Second)
	}
	l.waiting++
	*queued = true
	return nil
}

func (l *slots) leave(queued *bool) {
	if *queued {
		l.mu.Lock()
		l.waiting--
		l.mu.Unlock()
	}
}

func (l *slots) release() {
	l.mu.Lock()
	l.used--
	l.mu.Unlock()
	l.nudge()
}

// nudge wakes the waiters to look again, e.g. when a browser became idle
// and can be hibernated for them.
func (l *slots) nudge() {
	l.mu.Lock()
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

// close refuses every waiter, at shutdown.
func (l *slots) close() { close(l.closed) }

// load is the slots' state: used, queued.
func (l *slots) load() (used, waiting int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.used, l.waiting
}

func tooMany(msg string, limit, remaining int, retry time.Duration) error {
	return &sessionql.LimitError{Err: sessionql.Errorf(sessionql.CodeTooManyRequests, "%s", msg), Limit: limit, Remaining: remaining, RetryAfter: retry}
}
