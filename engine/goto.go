package engine

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// WaitUntil names the moment a navigation counts as done.
type WaitUntil string

// The moments a navigation can wait for, as BrowserQL names them.
const (
	Commit               WaitUntil = "commit"
	DOMContentLoaded     WaitUntil = "domContentLoaded"
	Load                 WaitUntil = "load"
	NetworkIdle          WaitUntil = "networkIdle"
	NetworkAlmostIdle    WaitUntil = "networkAlmostIdle"
	FirstContentfulPaint WaitUntil = "firstContentfulPaint"
	FirstMeaningfulPaint WaitUntil = "firstMeaningfulPaint"
	InteractiveTime      WaitUntil = "interactiveTime"
)

// lifecycleNames maps each moment to Chromium's Page.lifecycleEvent name.
// networkIdle is Chromium's own: no request in flight for 500 ms.
var lifecycleNames = map[WaitUntil]string{
	DOMContentLoaded:     "DOMContentLoaded",
	Load:                 "load",
	NetworkIdle:          "networkIdle",
	NetworkAlmostIdle:    "networkAlmostIdle",
	FirstContentfulPaint: "firstContentfulPaint",
	FirstMeaningfulPaint: "firstMeaningfulPaint",
	InteractiveTime:      "InteractiveTime",
}

// Response is what a navigation of the main frame ended on.
type Response struct {
	Status     int
	StatusText string
	URL        string
}

// Goto navigates the tab and waits for the moment asked for.
func (p *Page) Goto(req context.Context, url string, until WaitUntil, timeout time.Duration) (*Response, error) {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	what := "navigating to " + url
	w, err := p.watchNavigation(ctx)
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeNavigationFailed, what, timeout)
	}
	res, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: url})
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeNavigationFailed, what, timeout)
	}
	if res.ErrorText != "" {
		return nil, failf(sessionql.CodeNavigationFailed, "Navigating to %s failed: %s.", url, res.ErrorText)
	}
	if res.LoaderID == "" || until == Commit {
		return w.committed(res.LoaderID, url), nil
	}
	resp, err := w.wait(ctx, res.LoaderID, until)
	return resp, stepError(ctx, err, sessionql.CodeNavigationFailed, what, timeout)
}

// navigation collects the main frame's document responses and lifecycle
// events while a step runs, keyed by loader.
type navigation struct {
	frame     cdp.FrameID
	mu        sync.Mutex
	responses map[cdp.LoaderID]*network.Response
	reached   map[cdp.LoaderID]map[string]bool
	latest    cdp.LoaderID
	changed   chan struct{}
}

// watchNavigation starts listening before the step triggers a navigation, so
// no event is missed; the listener ends with ctx.
func (p *Page) watchNavigation(ctx context.Context) (*navigation, error) {
	n := &navigation{
		frame:     p.frameID(),
		responses: map[cdp.LoaderID]*network.Response{},
		reached:   map[cdp.LoaderID]map[string]bool{},
		changed:   make(chan struct{}, 1),
	}
	return n, chromedp.Listen(ctx, n.observe)
}

func (n *navigation) observe(ev any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventResponseReceived:
		if ev.Type != network.ResourceTypeDocument || ev.FrameID != n.frame {
			return
		}
		n.responses[ev.LoaderID] = ev.Response
	case *page.EventLifecycleEvent:
		if ev.FrameID != n.frame {
			return
		}
		if ev.Name == "init" {
			n.latest = ev.LoaderID
		}
		if n.reached[ev.LoaderID] == nil {
			n.reached[ev.LoaderID] = map[string]bool{}
		}
		n.reached[ev.LoaderID][ev.Name] = true
	default:
		return
	}
	select {
	case n.changed <- struct{}{}:
	default:
	}
}

// wait blocks until the loader reached the moment; an empty loader (a
// same-document navigation, or one not started by the step) uses the latest.
func (n *navigation) wait(ctx context.Context, loader cdp.LoaderID, until WaitUntil) (*Response, error) {
	for {
		if resp, ok := n.done(loader, until); ok {
			return resp, nil
		}
		select {
		case <-n.changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (n *navigation) done(loader cdp.LoaderID, until WaitUntil) (*Response, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if loader == "" {
		loader = n.latest
	}
	resp := n.responses[loader]
	name, ok := lifecycleNames[until]
	if !ok {
		name = lifecycleNames[Load]
	}
	return toResponse(resp), n.reached[loader][name]
}

// committed answers a navigation that needs no waiting: a same-document one
// has no response, and Page.navigate returns once the new document commits.
func (n *navigation) committed(loader cdp.LoaderID, url string) *Response {
	n.mu.Lock()
	defer n.mu.Unlock()
	if r := toResponse(n.responses[loader]); r != nil && loader != "" {
		return r
	}
	return &Response{URL: url}
}

func toResponse(r *network.Response) *Response {
	if r == nil {
		return nil
	}
	text := r.StatusText
	if text == "" {
		text = http.StatusText(int(r.Status))
	}
	return &Response{Status: int(r.Status), StatusText: text, URL: r.URL}
}
