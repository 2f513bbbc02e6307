package sessions

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sessionql/sessionql"
)

// slots bounds live browsers. A waker that finds none free first hibernates
// an idle browser; only when every live browser is busy does it queue, for
// at most the queue timeout.
type slots struct {
	mu       sync.Mutex
	max      int
	used     int
	queueMax int
	waiting  int
	timeout  time.Duration
	changed  chan struct{} // closed and replaced when a slot may have freed
	rejected atomic.Int64
}

func newSlots(cfg Config) *slots {
	return &slots{max: cfg.MaxBrowsers, queueMax: cfg.Queue, timeout: cfg.QueueTimeout, changed: make(chan struct{})}
}

// acquire takes a slot, calling evict to make room while none is free.
func (l *slots) acquire(ctx context.Context, evict func() bool) error {
	deadline := time.NewTimer(l.timeout)
	defer deadline.Stop()
	queued := false
	defer func() {
		if queued {
			l.mu.Lock()
			l.waiting--
			l.mu.Unlock()
		}
	}()
	for {
		if l.take() || evict() && l.take() {
			return nil
		}
		changed, err := l.queue(&queued)
		if err != nil {
			return err
		}
		select {
		case <-changed:
		case <-deadline.C:
			l.rejected.Add(1)
			return tooMany(fmt.Sprintf("All %d browsers stayed busy for %s; try again later.", l.max, l.timeout), l.max, 0, l.timeout)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (l *slots) take() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.used < l.max {
		l.used++
		return true
	}
	return false
}

// queue joins the queue once and returns what to wait on.
func (l *slots) queue(queued *bool) (<-chan struct{}, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !*queued {
		if l.waiting >= l.queueMax {
			l.rejected.Add(1)
			return nil, tooMany(fmt.Sprintf("All %d browsers are busy and %d requests already wait; try again later.", l.max, l.waiting), l.max, 0, time.Second)
		}
		l.waiting++
		*queued = true
	}
	return l.changed, nil
}

func (l *slots) release() {
	l.mu.Lock()
	l.used--
	l.mu.Unlock()
	l.nudge()
}

// nudge wakes the waiters to look again, e.g. when a browser became idle.
func (l *slots) nudge() {
	l.mu.Lock()
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

// Pressure is the load of the server, as /pressure reports it.
type Pressure struct {
	LiveBrowsers       int  `json:"liveBrowsers"`
	HibernatedSessions int  `json:"hibernatedSessions"`
	Sessions           int  `json:"sessions"`
	Queued             int  `json:"queued"`
	MaxBrowsers        int  `json:"maxBrowsers"`
	MaxSessions        int  `json:"maxSessions"`
	MaxQueue           int  `json:"maxQueue"`
	Rejected           int  `json:"rejected"`
	IsAvailable        bool `json:"isAvailable"`
}

// Pressure reports live browsers, sessions, the queue and the limits.
func (s *Service) Pressure() Pressure {
	s.mu.Lock()
	sessions := len(s.entries)
	s.mu.Unlock()
	l := s.slots
	l.mu.Lock()
	defer l.mu.Unlock()
	return Pressure{
		LiveBrowsers: l.used, HibernatedSessions: sessions - l.used, Sessions: sessions,
		Queued: l.waiting, MaxBrowsers: l.max, MaxSessions: s.cfg.MaxSessions, MaxQueue: l.queueMax,
		Rejected:    int(l.rejected.Load()),
		IsAvailable: l.waiting < l.queueMax && sessions < s.cfg.MaxSessions,
	}
}

func tooMany(msg string, limit, remaining int, retry time.Duration) error {
	return &sessionql.LimitError{Err: sessionql.Errorf(sessionql.CodeTooManyRequests, "%s", msg), Limit: limit, Remaining: remaining, RetryAfter: retry}
}
