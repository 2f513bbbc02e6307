package sessions

import (
	"context"
	"time"

	"github.com/sessionql/sessionql/engine"
)

// lockTimeout bounds waiting for a session's profile to be free outside a
// request (hibernation, stopping): a launch or close holds it for at most
// engine.LaunchTimeout plus the close bound.
const lockTimeout = engine.LaunchTimeout + 15*time.Second

// Drain begins shutdown: launches under way give up at once and answer
// that the server is shutting down, and no browser starts any more. Close
// drains too; cmd calls Drain as soon as a signal arrives, so a browser
// that never answers cannot hold the shutdown for its whole launch bound.
func (s *Service) Drain() {
	if s.cluster != nil && s.life.Err() == nil {
		slogErr("could not mark this node as draining", s.cluster.Drain())
	}
	s.endLife()
}

// launchContext bounds starting a browser for a request: the request's
// own context, engine.LaunchTimeout, and the server's life.
func (s *Service) launchContext(ctx context.Context) (context.Context, context.CancelFunc) {
	bound := s.cfg.LaunchTimeout
	if bound <= 0 {
		bound = engine.LaunchTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, bound)
	stop := context.AfterFunc(s.life, cancel)
	return ctx, func() { stop(); cancel() }
}

// bounded is a context for work outside any request, such as taking a
// profile to hibernate it: at most d. Unlike a launch, it outlives Drain,
// as Close itself hibernates.
func (s *Service) bounded(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(s.life), d)
}
