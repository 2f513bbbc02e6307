package engine

import (
	"context"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// Reload reloads the page and waits for the moment asked for.
func (p *Page) Reload(req context.Context, until WaitUntil, timeout time.Duration) (*Response, error) {
	return p.historyStep(req, until, timeout, "reloading the page", func(ctx context.Context) (bool, error) {
		_, err := chromedp.Call(ctx, page.Reload, page.ReloadParams{})
		return true, err
	})
}

// Back goes one entry back in the tab's history; nil when there is none.
func (p *Page) Back(req context.Context, until WaitUntil, timeout time.Duration) (*Response, error) {
	return p.historyStep(req, until, timeout, "going back", func(ctx context.Context) (bool, error) {
		return p.goHistory(ctx, -1)
	})
}

// Forward goes one entry forward in the tab's history; nil when there is
// none.
func (p *Page) Forward(req context.Context, until WaitUntil, timeout time.Duration) (*Response, error) {
	return p.historyStep(req, until, timeout, "going forward", func(ctx context.Context) (bool, error) {
		return p.goHistory(ctx, 1)
	})
}

// WaitForNavigation waits for the first navigation of the main frame that
// started after the last one a step waited for, or for the next one. With
// afterStep (the step before was goto, reload, back or forward) and no
// newer navigation, it returns that step's navigation once it reached until.
func (p *Page) WaitForNavigation(req context.Context, until WaitUntil, afterStep bool, timeout time.Duration) (*Response, error) {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	what := "waiting for a navigation"
	n, err := p.navigations()
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeNavigationFailed, what, timeout)
	}
	e, err := n.wait(ctx, n.forWaitForNavigation(afterStep), until)
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeNavigationFailed, what, timeout)
	}
	n.handOver(e)
	return e.result(""), nil
}

// historyStep starts a navigation with trigger and waits for it; trigger
// says false when there is nowhere to go, and the step returns nil.
func (p *Page) historyStep(req context.Context, until WaitUntil, timeout time.Duration, what string, trigger func(context.Context) (bool, error)) (*Response, error) {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	n, err := p.navigations()
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeNavigationFailed, what, timeout)
	}
	before := n.mark(false)
	p.flushRecording(ctx)
	ok, err := trigger(ctx)
	if err != nil || !ok {
		return nil, stepError(ctx, err, sessionql.CodeNavigationFailed, what, timeout)
	}
	e, err := n.wait(ctx, n.after(before), until)
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeNavigationFailed, what, timeout)
	}
	return e.result(""), nil
}

// goHistory navigates to the history entry delta steps away, when there is
// one.
func (p *Page) goHistory(ctx context.Context, delta int64) (bool, error) {
	h, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
	if err != nil {
		return false, err
	}
	i := h.CurrentIndex + delta
	if i < 0 || i >= int64(len(h.Entries)) {
		return false, nil
	}
	_, err = chromedp.Call(ctx, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[i].ID})
	return true, err
}
