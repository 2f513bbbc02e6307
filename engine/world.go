package engine

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/chromedp/cdproto"
	"github.com/chromedp/cdproto/runtime"
)

// callInWorld calls a function in the engine's isolated world of the main
// frame with JSON arguments and decodes its JSON result into out.
func (p *Page) callInWorld(ctx context.Context, fn string, out any, args ...any) error {
	return p.callInFrame(ctx, p.mainFrame(), fn, out, args...)
}

// callInFrame calls a function in the engine's isolated world of a frame,
// on the direct session.
func (p *Page) callInFrame(ctx context.Context, f frame, fn string, out any, args ...any) error {
	return p.inWorld(ctx, f, func(world runtime.ExecutionContextID) error {
		return callOn(ctx, p.direct(f.session), world, fn, out, args)
	})
}

// inWorld runs call with the frame's isolated world. A world lost to a
// navigation is made again and the call retried.
func (p *Page) inWorld(ctx context.Context, f frame, call func(runtime.ExecutionContextID) error) error {
	fresh := false
	for {
		world, err := p.frameWorld(ctx, f, fresh)
		if err != nil {
			return err
		}
		err = call(world)
		if !isContextLost(err) || ctx.Err() != nil {
			return err
		}
		fresh = true
	}
}

// decodeResult turns an exception into a scriptError and decodes a JSON
// result into out.
func decodeResult(r *runtime.RemoteObject, exc *runtime.ExceptionDetails, out any) error {
	if exc != nil {
		return &scriptError{exceptionMessage(exc)}
	}
	if out == nil || r == nil || len(r.Value) == 0 {
		return nil
	}
	return json.Unmarshal(r.Value, out)
}

// scriptError is an exception thrown by one of the engine's own scripts,
// such as an invalid selector.
type scriptError struct{ message string }

func (e *scriptError) Error() string { return e.message }

func isContextLost(err error) bool {
	var cdpErr *cdproto.Error
	if !errors.As(err, &cdpErr) {
		return false
	}
	// A navigation that replaces the document while a script awaits in it
	// answers "Inspected target navigated or closed"; the script runs again
	// in the new document's world.
	return strings.Contains(cdpErr.Message, "Cannot find context") || strings.Contains(cdpErr.Message, "context was destroyed") ||
		strings.Contains(cdpErr.Message, "Inspected target navigated")
}
