package engine

import (
	"context"
	"errors"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// tabTimeout bounds checking that the engine's tab exists.
const tabTimeout = 5 * time.Second

// ErrNoAnswer is what a check returns when the browser did not answer in
// time: it is wedged, not gone.
var ErrNoAnswer = errors.New("the browser did not answer")

// aliveQuiet is how recently the browser must have sent something for
// Alive to answer without asking it: a tab closed since has said so with
// its detach, which the browser sends before anything later.
const aliveQuiet = time.Second

// Alive reports whether the page's tab still exists. CDP clients share the
// browser and may close any tab, the engine's included. err says that the
// browser did not answer within tabTimeout or before ctx ended. A browser
// heard from within aliveQuiet is not asked: the tab lives unless its
// session was detached (see watchDetach), and this saves every request a
// round trip. A browser that stopped answering in that second is found by
// the request's first step instead, within its timeout.
func (p *Page) Alive(ctx context.Context) (bool, error) {
	if p.detached.Load() {
		return false, nil
	}
	if p.client.Mux().Quiet() < aliveQuiet {
		return true, nil
	}
	ctx, cancel := context.WithTimeout(ctx, tabTimeout)
	defer cancel()
	_, err := p.client.Mux().Call(ctx, "", "Target.getTargetInfo", map[string]string{"targetId": string(p.target().TargetID)})
	if err != nil && ctx.Err() != nil {
		return false, ErrNoAnswer
	}
	return err == nil, nil
}

// ReopenPage replaces a page whose tab was closed: it detaches the old one
// and attaches the engine to a new tab.
func (b *Browser) ReopenPage(ctx context.Context, old *Page) (*Page, error) {
	old.Close()
	return b.OpenPageContext(ctx)
}

// watchDetach notes when the browser detaches the page's session: its tab
// was closed (by a CDP client, or the page itself), or the engine detached.
func (p *Page) watchDetach() error {
	session := p.target().SessionID
	return chromedp.ListenBrowser(p.ctx, func(ev any) {
		if ev, ok := ev.(*target.EventDetachedFromTarget); ok && ev.SessionID == session {
			p.detached.Store(true)
		}
	})
}
