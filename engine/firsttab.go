package engine

import (
	"encoding/json"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// The launch opens the engine's first tab itself, beside the rest of its
// setup (see startWatches), instead of leaving it to the first
// OpenPageContext after the launch: creating the tab and starting its
// renderer is the longest part, and the watches, the guard and the wait
// for the identity overlap it. The browser starts with no window
// (--no-startup-window); the tab is created after the identity client's
// auto-attach went out, so it starts paused for its overrides as before.
//
// Adopting the tab that Chromium opens as it starts (about:blank on the
// command line) was tried and left: Chromium answers on its pipe only once
// it has created that window, so the tab's creation stays serial and
// nothing was won (BENCHMARKS.md, "Wake and cold: the startup tab"); and
// pages in that window were 56 px shorter than the stealth window promises
// (TestSessionViewport), likely the infobar that Chromium shows in its
// startup window alone for unsupported flags such as --no-sandbox.

// openFirstTab creates the engine's first tab and attaches its page, for
// the first OpenPageContext to take; created is closed once the tab
// exists (or its creation failed), after which the guard may open in its
// window.
func (b *Browser) openFirstTab(opts LaunchOptions, created chan<- struct{}) error {
	ctx, cancel := opts.readyContext()
	defer cancel()
	raw, err := b.mux.Call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank", "newWindow": true})
	close(created)
	if err != nil {
		return err
	}
	var res target.CreateTargetResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return err
	}
	p, err := b.openPage(ctx, chromedp.WithTargetID(res.TargetID), chromedp.WithDetachOnCancel())
	if err != nil {
		return err
	}
	p.pristine.Store(true)
	b.startMu.Lock()
	b.first = p
	b.startMu.Unlock()
	return nil
}

// takeFirst returns the page the launch opened the first time, and nil
// after that.
func (b *Browser) takeFirst() *Page {
	b.startMu.Lock()
	defer b.startMu.Unlock()
	p := b.first
	b.first = nil
	return p
}
