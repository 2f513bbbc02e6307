package sessions

import (
	"context"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
)

// settleTimeout bounds replacing a stuck tab after a request.
const settleTimeout = 15 * time.Second

// finishRequest ends a BrowserQL request on the session: a tab that a
// runaway script still holds is replaced, or the browser killed, before
// the state is saved, so that the next request finds a page that answers.
// A session stopped while the request ran answers session_stopped.
func (s *Service) finishRequest(e *entry, page *engine.Page) error {
	settled := page.TakeSettled()
	s.metrics.terminated.Add(int64(page.TakeTerminated()))
	page, err := s.settle(e, page)
	if e.isStopped() {
		return errSessionStopped(e.id)
	}
	if err != nil {
		return err
	}
	if page.TakeReadOnly() && e.savedAll() {
		return nil // nothing the request did needs saving; see savedAll
	}
	b := e.currentBrowser()
	if b != nil {
		defer s.watchdog(e, b)()
	}
	return s.checkpointAfter(e, page, settled)
}

// settle returns a page that answers in place of a stuck one: a new tab
// when the browser helps, else the browser is killed and the error says
// that the request's changes since the last checkpoint may be lost.
func (s *Service) settle(e *entry, page *engine.Page) (*engine.Page, error) {
	if !page.Stuck() {
		return page, nil
	}
	b := e.currentBrowser()
	if b == nil {
		return nil, errStoppedNotFound(e.id)
	}
	ctx, cancel := context.WithTimeout(s.life, settleTimeout)
	defer cancel()
	fresh, err := b.ReplaceTab(ctx, page)
	if err == nil && e.replacePage(b, page, fresh) {
		return fresh, nil
	}
	if fresh != nil {
		fresh.Close()
	}
	s.killWedged(e, b)
	return nil, sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The session's tab did not answer after a step's timeout (a script kept it busy, or the browser stopped responding) and could not be stopped, so the browser was killed; changes since the last saved state may be lost, and the next request starts it again.")
}

// errSessionStopped is the answer to a request that was running when its
// session was stopped or expired.
func errSessionStopped(id string) error {
	return sessionql.Errorf(sessionql.CodeSessionStopped, "Session %s was stopped (DELETE or expiry) while this request ran; its browser and profile are gone.", id)
}
