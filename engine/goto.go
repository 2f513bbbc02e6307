package engine

import (
	"context"
	"net/http"
	"time"

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
// networkIdle is Chromium's own: no request in flight for 500 ms. commit is
// the engine's name for the frame's navigation to the new document.
var lifecycleNames = map[WaitUntil]string{
	Commit:               "commit",
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
	if err := checkURL(url, p.allowFileURLs); err != nil {
		return nil, failf(sessionql.CodeNavigationFailed, "Navigating to %s was refused: %v.", url, err)
	}
	n, err := p.navigations()
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeNavigationFailed, what, timeout)
	}
	p.flushRecording(ctx)
	res, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: url})
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeNavigationFailed, what, timeout)
	}
	if res.ErrorText != "" {
		return nil, failf(sessionql.CodeNavigationFailed, "Navigating to %s failed: %s.", url, res.ErrorText)
	}
	if res.LoaderID == "" {
		return &Response{URL: url}, nil
	}
	e, err := n.wait(ctx, n.byLoader(res.LoaderID), until)
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeNavigationFailed, what, timeout)
	}
	return e.result(url), nil
}

// result is the response a navigation ended on; one without an HTTP
// response (about:blank, the back-forward cache) has only a URL.
func (e *navEntry) result(fallbackURL string) *Response {
	r := e.response
	if r == nil {
		if e.url == "" {
			return &Response{URL: fallbackURL}
		}
		return &Response{URL: e.url}
	}
	text := r.StatusText
	if text == "" {
		text = http.StatusText(int(r.Status))
	}
	return &Response{Status: int(r.Status), StatusText: text, URL: r.URL}
}
