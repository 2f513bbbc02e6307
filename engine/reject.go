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

// blocker fails the tab's requests that match a filter, through the Fetch
// domain, until it is stopped.
type blocker struct {
	match matcher
	stop  context.CancelFunc
	done  chan struct{}
}

// unblockTimeout bounds turning interception off, which also runs after
// the request's own context has ended.
const unblockTimeout = 5 * time.Second

// Block makes the tab fail the requests that match f until Unblock; a
// second Block replaces the first.
func (p *Page) Block(req context.Context, f Filter, timeout time.Duration) error {
	if f.Empty() {
		return failf(sessionql.CodeInvalidArgument, "reject needs at least one url, type or method.")
	}
	p.Unblock()
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	life, stop := context.WithCancel(p.ctx)
	b := &blocker{match: f.compile(), stop: stop, done: make(chan struct{})}
	paused := chromedp.Events(life, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		stop()
		return stepError(ctx, err, sessionql.CodeInvalidArgument, "turning on request blocking", timeout)
	}
	go b.serve(life, paused)
	p.steps.mu.Lock()
	p.steps.blocker = b
	p.steps.mu.Unlock()
	return nil
}

// Unblock stops blocking requests; Fetch.disable lets paused requests go on.
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
	return p.steps.blocker != nil
}

func (b *blocker) serve(ctx context.Context, paused iter.Seq2[fetch.EventRequestPaused, error]) {
	defer close(b.done)
	for ev, err := range paused {
		if err != nil {
			return
		}
		if b.match.match(ev.Request.URL, string(ev.ResourceType), ev.Request.Method, 0) {
			chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			continue
		}
		chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	}
}
