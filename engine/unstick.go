package engine

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// The bounds of unstick: a renderer that runs no script answers a ping at
// once; one that runs a script past its deadline is interrupted from
// Chromium's IO thread, which answers even while the page's main thread is
// busy.
const (
	answerTimeout    = time.Second
	terminateTimeout = 2 * time.Second
)

// unstick runs after a step that its deadline (or its request) ended. The
// step may have left a script running, such as `while(true){}`, which
// holds the tab's main thread, so that every later step would time out: a
// tab that does not answer a ping gets Runtime.terminateExecution on the
// engine's own session of the tab (no domain is enabled, so pages see
// nothing of it), and is marked stuck if it still does not answer; the
// session then closes the tab or kills the browser (see Stuck). At most
// answerTimeout + 2×terminateTimeout.
func (p *Page) unstick() {
	if p.answers(answerTimeout) {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, terminateTimeout)
	_, err := p.client.Mux().Call(ctx, p.sessionID(), "Runtime.terminateExecution", nil)
	cancel()
	if err == nil {
		p.killed.Add(1)
	}
	p.stuck.Store(!p.answers(terminateTimeout))
}

// answers reports whether the tab's main thread runs a trivial script
// within d; an error reply counts as an answer, and so does a browser that
// is gone, as there is nothing to stop then.
func (p *Page) answers(d time.Duration) bool {
	ctx, cancel := context.WithTimeout(p.ctx, d)
	defer cancel()
	_, err := p.client.Mux().Call(ctx, p.sessionID(), "Runtime.evaluate", map[string]any{"expression": "0"})
	return err == nil || !errors.Is(err, context.DeadlineExceeded)
}

func (p *Page) sessionID() string { return string(p.target().SessionID) }

// Stuck reports whether a script outlived a step's deadline and
// Runtime.terminateExecution did not stop it: the tab is of no more use.
func (p *Page) Stuck() bool { return p.stuck.Load() }

// TakeTerminated returns how many scripts were stopped on the page since
// the last call.
func (p *Page) TakeTerminated() int { return int(p.killed.Swap(0)) }

// tabCloseTimeout bounds closing a stuck tab until Chromium reports it gone.
const tabCloseTimeout = 5 * time.Second

// ReplaceTab gives the engine a new tab in place of a stuck one: it opens a
// blank tab, attaches to it, then closes the old tab and waits until it is
// gone, which ends its renderer. An error means the browser did not help
// within ctx and the bounds above; the caller then kills it.
func (b *Browser) ReplaceTab(ctx context.Context, old *Page) (*Page, error) {
	raw, err := b.mux.Call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank", "newWindow": true})
	if err != nil {
		return nil, err
	}
	var created struct {
		TargetID string `json:"targetId"`
	}
	json.Unmarshal(raw, &created)
	fresh, err := b.openPage(ctx, chromedp.WithTargetID(target.ID(created.TargetID)), chromedp.WithDetachOnCancel())
	if err != nil {
		return nil, err
	}
	if err := b.closeTab(ctx, old); err != nil {
		fresh.Close()
		return nil, err
	}
	return fresh, nil
}

// closeTab closes a page's tab and waits until Chromium no longer lists it.
func (b *Browser) closeTab(ctx context.Context, p *Page) error {
	ctx, cancel := context.WithTimeout(ctx, tabCloseTimeout)
	defer cancel()
	id := map[string]string{"targetId": string(p.target().TargetID)}
	p.Close()
	if _, err := b.mux.Call(ctx, "", "Target.closeTarget", id); err != nil {
		return err
	}
	for {
		if _, err := b.mux.Call(ctx, "", "Target.getTargetInfo", id); err != nil {
			if ctx.Err() != nil {
				return errors.New("the stuck tab did not close in time")
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("the stuck tab did not close in time")
		case <-time.After(50 * time.Millisecond):
		}
	}
}
