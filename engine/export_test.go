package engine

import (
	"context"

	"github.com/chromedp/cdproto/runtime"
)

// What the external benchmarks need to send the engine's own protocol
// commands without BrowserQL in between.
var (
	TextScript          = textScript
	QuerySelectorScript = querySelectorScript
)

// SharedBrowser is the test binary's browser.
func SharedBrowser() *Browser { return shared }

// RawPage is a page's chromedp context and the engine's isolated world in
// its main frame.
func RawPage(p *Page) (context.Context, runtime.ExecutionContextID, error) {
	id, err := p.isolatedWorld(p.ctx, false)
	return p.ctx, runtime.ExecutionContextID(id), err
}
