package engine

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/chromedp/cdproto"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// callInWorld calls a function in the engine's isolated world with JSON
// arguments and decodes its JSON result into out. A world lost to a
// navigation is made again and the call retried.
func (p *Page) callInWorld(ctx context.Context, fn string, out any, args ...any) error {
	fresh := false
	for {
		world, err := p.isolatedWorld(ctx, fresh)
		if err != nil {
			return err
		}
		err = p.callOn(ctx, world, fn, out, args)
		if !isContextLost(err) || ctx.Err() != nil {
			return err
		}
		fresh = true
	}
}

func (p *Page) callOn(ctx context.Context, world int64, fn string, out any, args []any) error {
	callArgs := make([]*runtime.CallArgument, len(args))
	for i, a := range args {
		raw, err := json.Marshal(a)
		if err != nil {
			return err
		}
		callArgs[i] = &runtime.CallArgument{Value: raw}
	}
	res, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: fn,
		Arguments:           callArgs,
		ExecutionContextID:  runtime.ExecutionContextID(world),
		ReturnByValue:       new(true),
		AwaitPromise:        new(true),
	})
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return &scriptError{exceptionMessage(res.ExceptionDetails)}
	}
	if out == nil || res.Result == nil || len(res.Result.Value) == 0 {
		return nil
	}
	return json.Unmarshal(res.Result.Value, out)
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
