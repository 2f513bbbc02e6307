package engine

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/engine/internal/cdpmux"
	"github.com/sessionql/sessionql/engine/internal/stealth"
)

// openTimeout bounds attaching to the first tab of a fresh browser.
const openTimeout = 20 * time.Second

// Page is the tab of a live session on which BrowserQL steps run. Its
// contexts live as long as the browser; every step gets its own deadline.
type Page struct {
	ctx      context.Context
	cancel   context.CancelCauseFunc // its cause is why the page ended; see Stop
	client   *cdpmux.Client
	mux      *cdpmux.Mux             // the browser's pipe, for reads that must not need the tab; see browserCookies
	stuck    atomic.Bool             // a script still ran after a step's deadline; see unstick.go
	killed   atomic.Int64            // scripts stopped with Runtime.terminateExecution
	stopErr  atomic.Pointer[error]   // why Stop ended the page; see stop.go
	onlyRead atomic.Bool             // the request ending ran read-only steps alone; see MarkReadOnly
	settled  atomic.Pointer[Settled] // the storage the last Settle read; see TakeSettled
	detached atomic.Bool             // the browser detached the tab's session; see watchDetach

	mu    sync.Mutex
	world int64 // the engine's isolated world in the main frame, 0 if unknown

	identity      stealth.Identity // what the browser reports about itself
	inner         Size             // the inner size the window gives, when known; see SetSessionViewport
	desktop       *stealth.Desktop // the screen of a headless stealth browser, nil for others; see resizeWindow
	allowFileURLs bool             // the operator's ALLOW_FILE_URLS; see urlpolicy.go
	frameState    frameState       // sessions and worlds of the other frames; see frames.go
	steps         stepState        // what BrowserQL steps keep between calls; see steps.go
	downloads     *downloadWatch   // the browser's downloads; see downloadwatch.go
	files         *userPolicy      // the session's folders, for SetInputFiles
	recording     *recording       // the browser's running recording; see flushRecording
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

// OpenPage is OpenPageContext bounded by openTimeout alone, for tools and
// tests outside any request.
func (b *Browser) OpenPage() (*Page, error) {
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	return b.OpenPageContext(ctx)
}

// OpenPageContext attaches the engine to the browser's first tab, giving up
// when ctx ends or after openTimeout.
func (b *Browser) OpenPageContext(ctx context.Context) (*Page, error) {
	return b.openPage(ctx, chromedp.WithDetachOnCancel())
}

// openPage attaches the engine to a tab that opts choose, the first by
// default. The page's own context lives until Close or Stop, not with ctx.
func (b *Browser) openPage(ctx context.Context, opts ...chromedp.ContextOption) (*Page, error) {
	client, err := b.mux.Connect(ctx, engineIntercept, cdpmux.AsEngine)
	if err != nil {
		return nil, err
	}
	life, stop := context.WithCancelCause(context.Background())
	allocCtx, _ := chromedp.NewAllocatorContext(life, allocator{ctx: life, client: client})
	tabCtx, _ := chromedp.NewContext(allocCtx, opts...)
	p := &Page{ctx: tabCtx, cancel: stop, client: client, mux: b.mux, allowFileURLs: b.policy.allowFileURLs, inner: b.inner, desktop: b.desktop, downloads: b.downloads, files: b.policy, recording: &b.recording}
	err = p.attach(ctx)
	if err == nil {
		err = p.watchDetach()
	}
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
// chromedp binds the tab to it, and gives up if the browser does not answer
// within openTimeout or before ctx ends.
func (p *Page) attach(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(p.ctx) }()
	timer := time.NewTimer(openTimeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
	case <-ctx.Done():
	}
	p.cancel(nil)
	<-done
	return errors.New("the browser did not open its tab in time")
}

// Close detaches the engine from the tab; the tab itself stays with the
// browser.
func (p *Page) Close() {
	p.cancel(nil)
	p.client.Close()
}

// target is the chromedp target of the tab.
func (p *Page) target() *chromedp.Target { return chromedp.FromContext(p.ctx).Target }

// frameID is the tab's main frame, whose id is the target id in Chromium.
func (p *Page) frameID() cdp.FrameID { return cdp.FrameID(p.target().TargetID) }

// step derives the context of one step from the request: it ends at the
// step's timeout, when the request ends, or when the browser goes. A step
// that its context ended may have left a script running; its cancel makes
// sure the tab answers again before the next step (see unstick).
func (p *Page) step(req context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.WithValue(p.ctx, pageKey{}, p), timeout)
	stop := context.AfterFunc(req, cancel)
	return ctx, func() {
		ended := ctx.Err() != nil && p.ctx.Err() == nil
		stop()
		cancel()
		if ended {
			p.unstick()
		}
	}
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
