package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// lazySessionStorage is the saved sessionStorage the tab has not shown yet:
// one script per origin, registered for every new document, that the
// engine removes once the tab's main frame has shown that origin.
type lazySessionStorage struct {
	mu      sync.Mutex
	scripts map[string]page.ScriptIdentifier // by origin
}

// restoreSessionLazily puts the saved sessionStorage back without visiting
// its origins: the first top-level document of each origin writes it from
// the engine's isolated world when its scripting starts, before any of its
// own scripts run, so no page reads the storage unrestored. sessionStorage
// belongs to this tab alone, so no other tab or worker can read it first.
func (p *Page) restoreSessionLazily(ctx context.Context, origins map[string]map[string]string) error {
	l := &lazySessionStorage{scripts: map[string]page.ScriptIdentifier{}}
	for origin, items := range origins {
		src, err := sessionScript(origin, items)
		if err != nil {
			return err
		}
		res, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src, WorldName: "sessionql"})
		if err != nil {
			return fmt.Errorf("restore the sessionStorage of %s: %w", origin, err)
		}
		l.scripts[origin] = res.Identifier
	}
	return chromedp.Listen(p.ctx, func(ev any) {
		if ev, ok := ev.(*page.EventFrameNavigated); ok && ev.Frame.ParentID == "" {
			l.shown(p.ctx, ev.Frame.SecurityOrigin)
		}
	})
}

// shown removes the script of an origin the main frame now shows: its
// storage is the tab's own from here on.
func (l *lazySessionStorage) shown(ctx context.Context, origin string) {
	l.mu.Lock()
	id, ok := l.scripts[origin]
	delete(l.scripts, origin)
	l.mu.Unlock()
	if ok { // not from the listener itself, which must not wait for the browser
		go func() {
			ctx, cancel := context.WithTimeout(ctx, stateTimeout)
			defer cancel()
			chromedp.Call(ctx, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: id})
		}()
	}
}

// sessionScript writes items into the sessionStorage of a top-level
// document of origin that has none yet. The items travel as JSON text, so
// that a key such as __proto__ stays a key.
func sessionScript(origin string, items map[string]string) (string, error) {
	js, err := json.Marshal(items)
	if err != nil {
		return "", err
	}
	text, _ := json.Marshal(string(js))
	o, _ := json.Marshal(origin)
	return fmt.Sprintf(`(() => {
	if (window !== window.top || location.origin !== %s) return;
	try {
		if (sessionStorage.length) return;
		const items = JSON.parse(%s);
		for (const k of Object.keys(items)) sessionStorage.setItem(k, items[k]);
	} catch (e) {}
})()`, o, text), nil
}
