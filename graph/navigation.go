package graph

import (
	"context"
	"time"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/graph/model"
)

// historyStep is one of the page's reload, back and forward.
type historyStep func(p *engine.Page, req context.Context, until engine.WaitUntil, timeout time.Duration) (*engine.Response, error)

// history runs a reload, back or forward; null when there was no history
// entry to go to.
func history(ctx context.Context, step historyStep, waitUntil *model.WaitUntilHistory, timeout *float64) (*model.HTTPResponse, error) {
	c, err := newCall(ctx, timeout)
	if err != nil {
		return nil, err
	}
	res, err := step(c.page, ctx, engine.WaitUntil(value(waitUntil)), c.timeout)
	if err != nil {
		return nil, err
	}
	return httpResponse(res, c.start), nil
}

// pause waits for d or until the request ends.
func pause(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
