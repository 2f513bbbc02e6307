package sessions

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

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
	resized atomic.Bool
}

// restoreTimeout bounds putting a session's viewport back after a watch.
const restoreTimeout = 5 * time.Second

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
	w := &Watch{Browser: b}
	w.release = sync.OnceFunc(func() {
		if w.resized.Load() {
			s.restoreViewport(e)
		}
		s.done(e)
	})
	if alive, _ := page.Alive(ctx); alive {
		w.Tab = page.TabID()
	}
	return w, nil
}

// Resized tells the watch that the viewer changed the viewport of the
// session's tab: End puts the session's own back (see
// engine.Page.RestoreViewport).
func (w *Watch) Resized() { w.resized.Store(true) }

// restoreViewport gives the session's page its viewport again.
func (s *Service) restoreViewport(e *entry) {
	page := e.currentPage()
	if page == nil {
		return
	}
	e.mu.Lock()
	v := e.sess.Options.Viewport
	e.mu.Unlock()
	ctx, cancel := s.bounded(restoreTimeout)
	defer cancel()
	slogErr("could not restore the viewport after a live view", page.RestoreViewport(ctx, v), "session", e.id)
}

// End ends the watch; the session may be hibernated again once idle. It
// may be called more than once.
func (w *Watch) End() { w.release() }

// What a live view of a watched session handles, named here so that the
// transport needs only this package; see engine/screencast.go and input.go.
type (
	Screencast        = engine.Screencast
	ScreencastOptions = engine.ScreencastOptions
	Frame             = engine.Frame
	Tab               = engine.Tab
	MouseInput        = engine.MouseInput
	KeyInput          = engine.KeyInput
)
