package engine

import (
	"context"
	"iter"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// blocker pauses the tab's requests through the Fetch domain until it is
// stopped: it fails those reject matches and sends those a proxy route
// matches through the route's proxy. There is one per tab, because a
// second Fetch.enable replaces the first.
type blocker struct {
	match  *matcher     // reject's filter; nil when only routes are set
	routes []proxyRoute // proxy's routes, the first match wins
	stop   context.CancelFunc
	done   chan struct{}
}

// unblockTimeout bounds turning interception off, which also runs after
// the request's own context has ended.
const unblockTimeout = 5 * time.Second

// Block makes the tab fail the requests that match f until Unblock; a
// second Block replaces the first. Proxy routes stay.
func (p *Page) Block(req context.Context, f Filter, timeout time.Duration) error {
	if f.Empty() {
		return failf(sessionql.CodeInvalidArgument, "reject needs at least one url, type or method.")
	}
	m := f.compile()
	return p.intercept(req, timeout, "turning on request blocking", func(b *blocker) { b.match = &m })
}

// intercept replaces the tab's interception with one that edit changed
// from the current one.
func (p *Page) intercept(req context.Context, timeout time.Duration, what string, edit func(*blocker)) error {
	next := &blocker{done: make(chan struct{})}
	p.steps.mu.Lock()
	if cur := p.steps.blocker; cur != nil {
		next.match, next.routes = cur.match, cur.routes
	}
	p.steps.mu.Unlock()
	edit(next)
	p.Unblock()
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	life, stop := context.WithCancel(p.ctx)
	next.stop = stop
	paused := chromedp.Events(life, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		stop()
		return stepError(ctx, err, sessionql.CodeInvalidArgument, what, timeout)
	}
	go next.serve(life, paused)
	p.steps.mu.Lock()
	p.steps.blocker = next
	p.steps.mu.Unlock()
	return nil
}

// Unblock stops blocking and proxying requests; Fetch.disable lets paused
// requests go on.
func (p *Page) Unblock() {
	p.steps.mu.Lock()
	b := p.steps.blocker
	p.steps.blocker = nil
	p.steps.mu.Unlock()
	if b == nil {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, unblockTimeout)
	defer cancel()
	chromedp.Call(ctx, fetch.Disable, cdp.Empty{})
	b.stop()
	<-b.done
}

// Blocking tells whether Block is in force.
func (p *Page) Blocking() bool {
	p.steps.mu.Lock()
	defer p.steps.mu.Unlock()
	return p.steps.blocker != nil && p.steps.blocker.match != nil
}

func (b *blocker) serve(ctx context.Context, paused iter.Seq2[fetch.EventRequestPaused, error]) {
	defer close(b.done)
	for ev, err := range paused {
		if err != nil {
			return
		}
		if b.match != nil && b.match.match(ev.Request.URL, string(ev.ResourceType), ev.Request.Method, 0) {
			chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			continue
		}
		if r := b.route(ev); r != nil {
			go r.forward(ctx, ev)
			continue
		}
		chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	}
}
