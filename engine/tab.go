package engine

import (
	"context"
	"errors"
	"time"
)

// tabTimeout bounds checking that the engine's tab exists.
const tabTimeout = 5 * time.Second

// ErrNoAnswer is what a check returns when the browser did not answer in
// time: it is wedged, not gone.
var ErrNoAnswer = errors.New("the browser did not answer")

// Alive reports whether the page's tab still exists. CDP clients share the
// browser and may close any tab, the engine's included. err says that the
// browser did not answer within tabTimeout or before ctx ended.
func (p *Page) Alive(ctx context.Context) (bool, error) {
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
