package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// LaunchTimeout bounds a start: from the exec until the browser answers on
// its pipe and its first tab has its identity. A browser that has not
// answered by then is killed, so a broken binary cannot hold a request.
const LaunchTimeout = 30 * time.Second

// LaunchContext is Launch bounded by ctx as well as by LaunchTimeout. ctx
// bounds only the start: once started, the browser lives until Close or
// Kill, whatever becomes of ctx.
func LaunchContext(ctx context.Context, opts LaunchOptions) (*Browser, error) {
	ctx, cancel := context.WithTimeout(ctx, LaunchTimeout)
	defer cancel()
	opts.ready = ctx
	return Launch(opts)
}

// readyContext is what a start waits in: LaunchContext's context, or
// LaunchTimeout from now for a plain Launch.
func (o LaunchOptions) readyContext() (context.Context, context.CancelFunc) {
	if o.ready != nil {
		return o.ready, func() {}
	}
	return context.WithTimeout(context.Background(), LaunchTimeout)
}

// ready waits until the browser answers on its pipe, and kills its process
// group when it has not by the end of the start's context.
func (b *Browser) ready(opts LaunchOptions) error {
	ctx, cancel := opts.readyContext()
	defer cancel()
	err := b.mux.Ready(ctx)
	if err == nil {
		return nil
	}
	b.Kill()
	if ctx.Err() != nil {
		err = errors.New("the browser did not answer on its DevTools pipe in time and was killed")
	}
	return fmt.Errorf("%w; the browser said: %s", err, b.proc.Stderr())
}
