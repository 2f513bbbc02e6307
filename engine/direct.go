package engine

import (
	"context"
	"encoding/json"

	"github.com/chromedp/cdproto"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// directSession sends a target's commands straight to the pipe and takes
// each reply straight from the pipe reader: one hand-off per command instead
// of chromedp's queue, event loop and listener.
//
// Events still arrive through chromedp, so a reply could overtake the
// events Chromium sent before it, such as the navigation a script started.
// When any event reached the client while a command ran, the command ends
// with a sync: a command the mux answers itself, queued behind those events,
// so chromedp has handled them once its answer comes back. A script that
// caused nothing, the usual case, costs no more than its round trip.
type directSession struct {
	client *cdpmux.Client
	target *chromedp.Target
}

// syncMethod is the engine's own command that orders a direct reply after
// the events before it; see directSession.
const syncMethod = "SessionQL.sync"

// direct is the fast way to run scripts in a target the engine attached to.
func (p *Page) direct(t *chromedp.Target) directSession {
	return directSession{client: p.client, target: t}
}

// callJSON sends a command with the engine's own types, which encoding/json
// marshals and decodes in one pass.
func (d directSession) callJSON(ctx context.Context, method string, params, result any) error {
	raw, err := json.Marshal(params)
	if err != nil {
		return err
	}
	reply, err := d.send(ctx, method, raw)
	if err != nil {
		return err
	}
	return json.Unmarshal(reply, result)
}

// send runs one command on the target's session; an error reply is a
// *cdproto.Error, as chromedp returns it.
func (d directSession) send(ctx context.Context, method string, params json.RawMessage) (json.RawMessage, error) {
	before := d.client.Events()
	env, err := d.client.Call(ctx, cdpmux.Message{SessionID: string(d.target.SessionID), Method: method, Params: params})
	if err != nil {
		return nil, err
	}
	if d.client.Events() != before {
		if err := d.target.Call(ctx, syncMethod, nil, nil); err != nil {
			return nil, err
		}
	}
	if env.Error != nil {
		e := new(cdproto.Error)
		if err := json.Unmarshal(env.Error, e); err != nil {
			return nil, err
		}
		return nil, e
	}
	return env.Result, nil
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
