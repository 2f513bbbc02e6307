package engine

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// openTimeout bounds attaching to the first tab of a fresh browser.
const openTimeout = 20 * time.Second

// Page is the tab of a live session on which BrowserQL steps run. Its
// contexts live as long as the browser; every step gets its own deadline.
type Page struct {
	ctx    context.Context
	cancel context.CancelFunc
	client *Client

	mu    sync.Mutex
	world int64 // the engine's isolated world in the main frame, 0 if unknown

	identity      identity   // what the browser reports about itself; see identity.go
	allowFileURLs bool       // the operator's ALLOW_FILE_URLS; see urlpolicy.go
	frameState    frameState // sessions and worlds of the other frames; see frames.go
	steps         stepState  // what BrowserQL steps keep between calls; see steps.go
}

// engineIntercept keeps the Runtime domain off on the engine's targets, so
// pages cannot see protocol side effects; the engine never needs its events.
// It also answers syncMethod, the engine's own, without the browser.
func engineIntercept(method string) (json.RawMessage, bool, bool) {
	if method == "Runtime.enable" || method == syncMethod {
		return json.RawMessage(`{}`), true, false
	}
	return nil, false, false
}

// OpenPage attaches the engine to the browser's first tab.
func (b *Browser) OpenPage() (*Page, error) {
	client, err := b.mux.Connect(context.Background(), engineIntercept)
	if err != nil {
		return nil, err
	}
	life, stop := context.WithCancel(context.Background())
	allocCtx, _ := chromedp.NewAllocatorContext(life, allocator{ctx: life, client: client})
	tabCtx, _ := chromedp.NewContext(allocCtx, chromedp.WithDetachOnCancel())
	p := &Page{ctx: tabCtx, cancel: stop, client: client, allowFileURLs: b.policy.allowFileURLs}
	err = p.attach()
	if err == nil {
		err = p.adoptIdentity(b.identity)
	}
	if err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// attach runs the first chromedp call on the tab's own long-lived context, as
// chromedp binds the tab to it, and gives up if the browser does not answer.
func (p *Page) attach() error {
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(p.ctx) }()
	select {
	case err := <-done:
		return err
	case <-time.After(openTimeout):
		p.cancel()
		<-done
		return errors.New("the browser did not open its tab in time")
	}
}

// Close detaches the engine from the tab; the tab itself stays with the
// browser.
func (p *Page) Close() {
	p.cancel()
	p.client.Close()
}

// target is the chromedp target of the tab.
func (p *Page) target() *chromedp.Target { return chromedp.FromContext(p.ctx).Target }

// frameID is the tab's main frame, whose id is the target id in Chromium.
func (p *Page) frameID() cdp.FrameID { return cdp.FrameID(p.target().TargetID) }

// step derives the context of one step from the request: it ends at the
// step's timeout, when the request ends, or when the browser goes.
func (p *Page) step(req context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	stop := context.AfterFunc(req, cancel)
	return ctx, func() { stop(); cancel() }
}

// isolatedWorld returns the engine's own execution context in the main frame,
// creating it after each navigation, so helper scripts never touch the page's
// globals and the page cannot see them.
func (p *Page) isolatedWorld(ctx context.Context, fresh bool) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.world != 0 && !fresh {
		return p.world, nil
	}
	res, err := chromedp.Call(ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{
		FrameID:   p.frameID(),
		WorldName: "sessionql",
	})
	if err != nil {
		return 0, err
	}
	p.world = int64(res.ExecutionContextID)
	return p.world, nil
}

// CloseTab closes the tab itself, then detaches; for pages the engine opened
// beside the first one.
func (p *Page) CloseTab() {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	chromedp.CallBrowser(ctx, target.CloseTarget, target.CloseTargetParams{TargetID: p.target().TargetID})
	p.Close()
}
