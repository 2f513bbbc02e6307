package sessions

import (
	"context"
	"errors"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
)

// ensurePage returns a page whose tab still exists. CDP clients share the
// browser and may close the engine's tab; then the engine attaches to
// another tab, opening a blank one when none is left. The caller counts as
// a user of the session and holds its turn.
// A browser that does not answer is killed; the error says so.
func (s *Service) ensurePage(ctx context.Context, e *entry, page *engine.Page) (*engine.Page, error) {
	alive, err := page.Alive(ctx)
	if alive {
		return page, nil
	}
	b := e.currentBrowser()
	if b == nil {
		return nil, errStoppedNotFound(e.id)
	}
	if errors.Is(err, engine.ErrNoAnswer) && ctx.Err() == nil {
		if err := s.checkAnswers(ctx, e, b); err != nil {
			return nil, err
		}
	}
	fresh, err := b.ReopenPage(ctx, page)
	if err != nil {
		return nil, sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The session's tab was closed and no new one could be opened: %v.", err)
	}
	if !e.replacePage(b, page, fresh) {
		fresh.Close()
		return nil, errStoppedNotFound(e.id)
	}
	s.watchPage(e, fresh)
	return fresh, nil
}

// replacePage makes fresh the page of browser b in place of old, unless the
// browser was stopped or closed meanwhile.
func (e *entry) replacePage(b *engine.Browser, old, fresh *engine.Page) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.browser != b || e.page != old {
		return false
	}
	e.page = fresh
	return true
}

// currentBrowser is the session's browser while it runs, else nil.
func (e *entry) currentBrowser() *engine.Browser {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.browser
}

// currentPage is the session's page while its browser runs, else nil.
func (e *entry) currentPage() *engine.Page {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.page
}
