package sessions

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
)

// healthQuiet is how long a live browser may send nothing on its pipe
// before the tend loop pings it; a browser that does not answer the ping
// within engine.PingTimeout is wedged (e.g. SIGSTOP) and is killed, and
// the next use relaunches it from its saved state.
const healthQuiet = 5 * time.Second

// useQuiet is how long a browser may have been quiet before a request or a
// CDP client is given it without a ping first.
const useQuiet = time.Second

// unansweredAfter is how long a ping may go unanswered before /pressure
// counts its browser as wedged.
const unansweredAfter = time.Second

// pingQuiet starts a health ping of e's browser when it has been quiet for
// healthQuiet and none is under way; the caller is the tend loop.
func (s *Service) pingQuiet(e *entry) {
	e.mu.Lock()
	b := e.browser
	due := b != nil && e.pingedAt.IsZero() && e.wedged != b && b.Quiet() > healthQuiet
	if due {
		e.pingedAt = time.Now()
	}
	e.mu.Unlock()
	if !due {
		return
	}
	s.wg.Go(func() {
		defer e.pinged()
		s.checkAnswers(s.life, e, b)
	})
}

func (e *entry) pinged() {
	e.mu.Lock()
	e.pingedAt = time.Time{}
	e.mu.Unlock()
}

// checkAnswers pings b and kills it when it does not answer; an error says
// it did not. A ping cut short by ctx proves nothing and kills nothing; one
// that failed because the pipe is gone ends a browser that is of no more
// use, so that waiting for its exit is short.
func (s *Service) checkAnswers(ctx context.Context, e *entry, b *engine.Browser) error {
	err := b.Ping(ctx)
	if err == nil || ctx.Err() != nil {
		return err
	}
	if !errors.Is(err, engine.ErrNoAnswer) {
		b.Abort()
		return err
	}
	s.killWedged(e, b)
	return sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The session's browser stopped answering and was killed; the next request starts it again from the session's saved state.")
}

// healthy checks a browser before a request or a CDP client gets it: one
// that was quiet for useQuiet is pinged, so that a wedged browser is
// replaced instead of handed out.
func (s *Service) healthy(ctx context.Context, e *entry, b *engine.Browser) error {
	select {
	case <-b.Done():
		return errors.New("the browser has exited") // its watcher has yet to forget it
	default:
	}
	if b.Quiet() < useQuiet {
		return nil
	}
	return s.checkAnswers(ctx, e, b)
}

// killWedged kills a browser of e that stopped answering, once, whether
// it is still the session's or was taken away to hibernate; watch frees
// its slot when it has exited, and the next use relaunches the session.
func (s *Service) killWedged(e *entry, b *engine.Browser) {
	e.mu.Lock()
	first := e.wedged != b
	if first {
		e.wedged, e.lost = b, true
	}
	e.mu.Unlock()
	if !first {
		return
	}
	slog.Warn("browser did not answer within its bound; killed it, the next use relaunches it", "session", e.id, "pid", b.Pid())
	s.metrics.wedged.Add(1)
	b.Abort()
}

// wedgedNow reports whether e's live browser is known not to answer: it was
// killed for that and has not exited yet, or a ping has gone unanswered
// for unansweredAfter. The caller holds e.mu.
func (e *entry) wedgedNow(now time.Time) bool {
	if e.browser == nil {
		return false
	}
	return e.wedged == e.browser || !e.pingedAt.IsZero() && now.Sub(e.pingedAt) > unansweredAfter
}

// waitExit waits until b has exited and e no longer holds it, or ctx ends.
func waitExit(ctx context.Context, e *entry, b *engine.Browser) error {
	select {
	case <-b.Done():
	case <-ctx.Done():
		return ctx.Err()
	}
	for e.currentBrowser() == b { // its watcher forgets it just after the exit
		select {
		case <-time.After(10 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// abandonWedged kills a browser taken away for hibernation that does not
// answer, instead of waiting for its save and close bounds: its state is
// what the last checkpoint stored. It reports whether it did.
func (s *Service) abandonWedged(e *entry, b *engine.Browser, page *engine.Page) bool {
	ctx, cancel := s.bounded(engine.PingTimeout)
	defer cancel()
	if !errors.Is(b.Ping(ctx), engine.ErrNoAnswer) {
		return false
	}
	page.Close()
	s.killWedged(e, b)
	return true
}

// noteRelaunch counts a start that follows a killed or crashed browser and
// says whether this start was one.
func (s *Service) noteRelaunch(e *entry) bool {
	e.mu.Lock()
	lost := e.lost
	e.lost = false
	e.mu.Unlock()
	if lost {
		s.metrics.relaunched.Add(1)
		slog.Info("browser relaunched after a crash or a kill", "session", e.id)
	}
	return lost
}

// watchdogEvery is how often a browser that the server waits on (while it
// saves and closes) is checked; one quiet for that long is pinged.
const watchdogEvery = 2 * time.Second

// watchdog kills b if it stops answering while the server waits on it for
// a save or a close, whose own bounds are longer (20 s and 5 s): the wait
// then ends at once, with the state of the last checkpoint. stop ends the
// watch and returns once its goroutine has.
func (s *Service) watchdog(e *entry, b *engine.Browser) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(s.life))
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		tick := time.NewTicker(watchdogEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-b.Done():
				return
			case <-tick.C:
			}
			if b.Quiet() >= watchdogEvery && errors.Is(b.Ping(ctx), engine.ErrNoAnswer) && ctx.Err() == nil {
				s.killWedged(e, b)
				return
			}
		}
	}()
	return func() {
		cancel()
		<-exited
	}
}
