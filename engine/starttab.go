package engine

import (
	"encoding/json"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// The engine's page is the tab that Chromium opens while it starts (see
// startupURL), not one the engine creates once the browser answers, and
// the launch attaches to it beside the engine's watches: the browser
// creates that tab and starts its renderer during its own start, as it
// does a raw launch's first tab, and the rest overlaps. The tab holds the
// initial blank document, which runs no page script; by then the identity
// client has given it its overrides (see stealth.Client.Start), and no
// other client has connected.

// openStartTab attaches the engine's page to the startup tab, for the
// first OpenPageContext to take; found is closed once the tab is known,
// before which the engine opens no other. A browser that shows anything
// else at start (a session's own flags may open another window) has none:
// the first OpenPageContext then opens a tab of its own, as ReopenPage
// does.
func (b *Browser) openStartTab(opts LaunchOptions, found chan<- struct{}) error {
	ctx, cancel := opts.readyContext()
	defer cancel()
	raw, err := b.mux.Call(ctx, "", "Target.getTargets", map[string]any{"filter": []map[string]string{{"type": "page"}}})
	close(found)
	if err != nil {
		return err
	}
	var res target.GetTargetsResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return err
	}
	if len(res.TargetInfos) != 1 || res.TargetInfos[0].URL != startupURL {
		return nil
	}
	p, err := b.openPage(ctx, chromedp.WithTargetID(res.TargetInfos[0].TargetID), chromedp.WithDetachOnCancel())
	if err != nil {
		return err
	}
	p.pristine.Store(true)
	b.startMu.Lock()
	b.first = p
	b.startMu.Unlock()
	return nil
}

// takeFirst returns the page on the startup tab the first time, and nil
// after that or when there is none.
func (b *Browser) takeFirst() *Page {
	b.startMu.Lock()
	defer b.startMu.Unlock()
	p := b.first
	b.first = nil
	return p
}
