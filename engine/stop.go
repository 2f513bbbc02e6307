package engine

import (
	"context"
)

// Stop ends the page at once for a reason, such as its session being
// stopped: every step running on it ends with err (see stepError), and so
// does every context that Bind derived from the page.
func (p *Page) Stop(err error) {
	p.stopErr.CompareAndSwap(nil, &err)
	p.cancel(err)
}

// pageKey finds the page of a step's context; see stopReason.
type pageKey struct{}

// Bind returns a context that also ends when the page is stopped or closed,
// with the page's reason as its cause, so that a request's waits that do
// not touch the browser (such as waitForTimeout) end with the page. A nil
// page binds nothing.
func (p *Page) Bind(ctx context.Context) (context.Context, context.CancelFunc) {
	if p == nil {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(p.ctx, func() {
		if err := p.stopErr.Load(); err != nil {
			cancel(*err)
			return
		}
		cancel(context.Cause(p.ctx))
	})
	return ctx, func() { stop(); cancel(nil) }
}

// stopReason is the error the page of a step's context was stopped with,
// if it was: whatever the step saw first (its context ending, or the
// engine's connection closing), the reason is what the caller hears.
func stopReason(ctx context.Context) error {
	p, ok := ctx.Value(pageKey{}).(*Page)
	if !ok {
		return nil
	}
	if err := p.stopErr.Load(); err != nil {
		return *err
	}
	return nil
}
