package engine

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/chromedp/cdproto"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// callInWorld calls a function in the engine's isolated world of the main
// frame with JSON arguments and decodes its JSON result into out.
func (p *Page) callInWorld(ctx context.Context, fn string, out any, args ...any) error {
	return p.callInFrame(ctx, p.mainFrame(), fn, out, args...)
}

// callInFrame calls a function in the engine's isolated world of a frame. A
// world lost to a navigation is made again and the call retried.
func (p *Page) callInFrame(ctx context.Context, f frame, fn string, out any, args ...any) error {
	fresh := false
	for {
		world, err := p.frameWorld(ctx, f, fresh)
		if err != nil {
			return err
		}
		err = callOn(ctx, p.direct(f.session), world, fn, out, args)
		if !isContextLost(err) || ctx.Err() != nil {
			return err
		}
		fresh = true
	}
}

// callFunctionOn is Runtime.callFunctionOn as the engine sends it: its
// arguments and its result go by value.
type callFunctionOn struct {
	FunctionDeclaration string                     `json:"functionDeclaration"`
	Arguments           []callArgument             `json:"arguments"`
	ExecutionContextID  runtime.ExecutionContextID `json:"executionContextId"`
	ReturnByValue       bool                       `json:"returnByValue"`
	AwaitPromise        bool                       `json:"awaitPromise"`
}

type callArgument struct {
	Value any `json:"value"`
}

// callResult decodes a script's value straight into the caller's out, in
// the same pass as the reply; the exception, if any, stays raw for
// cdproto's decoder.
type callResult struct {
	Result struct {
		Value any `json:"value"`
	} `json:"result"`
	ExceptionDetails json.RawMessage `json:"exceptionDetails"`
}

func callOn(ctx context.Context, s directSession, world runtime.ExecutionContextID, fn string, out any, args []any) error {
	params := callFunctionOn{FunctionDeclaration: fn, Arguments: make([]callArgument, len(args)), ExecutionContextID: world, ReturnByValue: true, AwaitPromise: true}
	for i, a := range args {
		params.Arguments[i].Value = a
	}
	var res callResult
	res.Result.Value = out
	if out == nil {
		res.Result.Value = new(json.RawMessage)
	}
	err := s.callJSON(ctx, runtime.CommandCallFunctionOn, params, &res)
	if res.ExceptionDetails == nil {
		return err
	}
	// A thrown value need not fit out, so the exception comes first.
	var exc runtime.ExceptionDetails
	if err := jsonv2.Unmarshal(res.ExceptionDetails, &exc, chromedp.DefaultUnmarshalOptions); err != nil {
		return err
	}
	return &scriptError{exceptionMessage(&exc)}
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
