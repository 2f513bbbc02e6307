package engine

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/chromedp/cdproto"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
)

// callInWorld calls a function in the engine's isolated world of the main
// frame with JSON arguments and decodes its JSON result into out.
func (p *Page) callInWorld(ctx context.Context, fn string, out any, args ...any) error {
	return p.callInFrame(ctx, p.mainFrame(), fn, out, args...)
}

// callInFrame calls a function in the engine's isolated world of a frame
// through chromedp, whose reply comes after every event Chromium sent before
// it: a step that follows sees what the script caused, such as a navigation
// or a history entry.
func (p *Page) callInFrame(ctx context.Context, f frame, fn string, out any, args ...any) error {
	return p.inWorld(ctx, f, func(world runtime.ExecutionContextID) error {
		return callOn(ctx, f.session, world, fn, out, args)
	})
}

// readInWorld is readInFrame in the main frame.
func (p *Page) readInWorld(ctx context.Context, fn string, out any, args ...any) error {
	return p.readInFrame(ctx, p.mainFrame(), fn, out, args...)
}

// readInFrame is callInFrame for scripts that only read the page and so
// cause no event a later step could miss: the command goes straight to the
// pipe and its reply straight back (see direct.go).
func (p *Page) readInFrame(ctx context.Context, f frame, fn string, out any, args ...any) error {
	return p.inWorld(ctx, f, func(world runtime.ExecutionContextID) error {
		return readOn(ctx, p.direct(f.session), world, fn, out, args)
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

func callOn(ctx context.Context, s cdp.Session, world runtime.ExecutionContextID, fn string, out any, args []any) error {
	callArgs := make([]*runtime.CallArgument, len(args))
	for i, a := range args {
		raw, err := json.Marshal(a)
		if err != nil {
			return err
		}
		callArgs[i] = &runtime.CallArgument{Value: raw}
	}
	res, err := cdp.Call(ctx, s, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: fn,
		Arguments:           callArgs,
		ExecutionContextID:  world,
		ReturnByValue:       new(true),
		AwaitPromise:        new(true),
	})
	if err != nil {
		return err
	}
	return decodeResult(res.Result, res.ExceptionDetails, out)
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
	return strings.Contains(cdpErr.Message, "Cannot find context") || strings.Contains(cdpErr.Message, "context was destroyed")
}
