package engine

import (
	"context"
	"encoding/json"

	"github.com/chromedp/cdproto/target"
)

// The engine's page is the tab that Chromium opens while it starts (see
// startupURL), not one the engine creates once the browser answers: the
// startup tab's renderer starts beside the browser's own start, as a raw
// launch's first tab does, which saves a wake or a cold request the
// serial start of a renderer (about 100 ms, see BENCHMARKS.md). It holds
// the initial blank document, which runs no page script, and by the time
// a launch returns the identity client has given it its overrides (see
// stealth.Client.Start) and no other client has connected.

// findStartTab notes the startup tab for the first OpenPageContext, once
// the identity client is attached. A browser that shows anything else at
// start (a session's own flags may open another window) has none: the
// engine then opens a tab of its own, as a ReopenPage does.
func (b *Browser) findStartTab(ctx context.Context) error {
	raw, err := b.mux.Call(ctx, "", "Target.getTargets", map[string]any{"filter": []map[string]string{{"type": "page"}}})
	if err != nil {
		return err
	}
	var res target.GetTargetsResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return err
	}
	if len(res.TargetInfos) == 1 && res.TargetInfos[0].URL == startupURL {
		b.startMu.Lock()
		b.startTab = string(res.TargetInfos[0].TargetID)
		b.startMu.Unlock()
	}
	return nil
}

// takeStartTab returns the startup tab's page target the first time, and
// "" after that or when there is none.
func (b *Browser) takeStartTab() string {
	b.startMu.Lock()
	defer b.startMu.Unlock()
	id := b.startTab
	b.startTab = ""
	return id
}
