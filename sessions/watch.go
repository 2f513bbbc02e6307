package sessions

import (
	"context"
	"sync"

	"github.com/sessionql/sessionql/engine"
)

// Watch is one person watching a session in the live view. While a watch
// lasts, the session's browser counts as used, so it is not hibernated for
// idleness nor evicted.
type Watch struct {
	// Browser is the session's live browser; its Done closes when the
	// session is stopped or expires, or the browser exits.
	Browser *engine.Browser
	// Tab is the session's own tab, the one BrowserQL steps run on; empty
	// when a CDP client closed it.
	Tab string

	release func()
}

// Watch wakes the session's browser if it is hibernated and keeps it live
// until End.
func (s *Service) Watch(ctx context.Context, id string) (*Watch, error) {
	e, err := s.entry(id)
	if err != nil {
		return nil, err
	}
	page, b, err := s.use(ctx, e)
	if err != nil {
		return nil, err
	}
	w := &Watch{Browser: b, release: sync.OnceFunc(func() { s.done(e) })}
	if alive, _ := page.Alive(ctx); alive {
		w.Tab = page.TabID()
	}
	return w, nil
}

// End ends the watch; the session may be hibernated again once idle. It
// may be called more than once.
func (w *Watch) End() { w.release() }
