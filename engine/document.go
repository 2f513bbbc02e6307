package engine

import (
	"context"
	"encoding/json"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

var (
	textScript = locateThen(`(el) => el.innerText ?? el.textContent`)
	htmlScript = locateThen(`(el) => el.outerHTML`)
)

const (
	pageTextScript = `function() { return (document.body ?? document.documentElement)?.innerText ?? ''; }`
	pageHTMLScript = `function() {
  const d = document.doctype;
  return (d ? new XMLSerializer().serializeToString(d) : '') + (document.documentElement?.outerHTML ?? '');
}`
	titleScript = `function() { return document.title; }`
	urlScript   = `function() { return location.href; }`

	contentTypeScript = `function() { return document.contentType; }`
)

// Text is the visible text of the element, waited for, or of the page when
// selector is empty.
func (p *Page) Text(req context.Context, selector string, timeout time.Duration) (string, error) {
	return p.elementOrPage(req, selector, textScript, pageTextScript, timeout, "reading the text of ")
}

// HTML is the outer HTML of the element, waited for, or of the document
// when selector is empty.
func (p *Page) HTML(req context.Context, selector string, timeout time.Duration) (string, error) {
	return p.elementOrPage(req, selector, htmlScript, pageHTMLScript, timeout, "reading the HTML of ")
}

// Title is the page's title.
func (p *Page) Title(req context.Context, timeout time.Duration) (string, error) {
	return p.pageString(req, titleScript, timeout, "reading the title")
}

// URL is the page's URL.
func (p *Page) URL(req context.Context, timeout time.Duration) (string, error) {
	return p.pageString(req, urlScript, timeout, "reading the URL")
}

func (p *Page) elementOrPage(req context.Context, selector, elScript, pageScript string, timeout time.Duration, what string) (string, error) {
	if selector == "" {
		return p.pageString(req, pageScript, timeout, what+"the page")
	}
	var s string
	err := p.onElementWith(req, selector, LocateOptions{Wait: true}, elScript, timeout, what+selector, func(_ context.Context, el *element) error {
		return json.Unmarshal(el.value, &s)
	})
	return s, err
}

func (p *Page) pageString(req context.Context, script string, timeout time.Duration, what string, args ...any) (string, error) {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	var s string
	err := p.callInWorld(ctx, script, &s, args...)
	return s, stepError(ctx, err, sessionql.CodeEvaluationFailed, what, timeout)
}

// SetContent replaces the document of the main frame with the HTML, as
// LoadContent does without waiting.
func (p *Page) SetContent(req context.Context, html string, timeout time.Duration) error {
	_, err := p.LoadContent(req, html, Commit, timeout)
	return err
}

// LoadContent replaces the document of the main frame with the HTML and
// waits until its readyState reaches the moment until names (load and
// networkIdle: complete; domContentLoaded: interactive; commit: at once). A
// document that is not HTML (a JSON or text response) would keep the HTML as
// text, so the page goes to about:blank first. It returns the page's URL.
func (p *Page) LoadContent(req context.Context, html string, until WaitUntil, timeout time.Duration) (string, error) {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	var kind, url string
	err := p.callInWorld(ctx, contentTypeScript, &kind)
	if err == nil && kind != "text/html" {
		_, err = chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: "about:blank"})
	}
	if err == nil {
		_, err = chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: p.frameID(), HTML: html})
	}
	if err == nil && until != Commit {
		err = p.callInWorld(ctx, readyStateScript, nil, until == DOMContentLoaded)
	}
	if err == nil {
		err = p.callInWorld(ctx, urlScript, &url)
	}
	return url, stepError(ctx, err, sessionql.CodeEvaluationFailed, "setting the page's content", timeout)
}

// readyStateScript waits until the document is complete, or only
// interactive when its argument says so.
const readyStateScript = `async function(interactive) {
  const ready = () => document.readyState === 'complete' || (interactive && document.readyState === 'interactive');
  while (!ready()) await new Promise((ok) => setTimeout(ok, 20));
}`
