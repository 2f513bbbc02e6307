package engine

import (
	"context"
	"encoding/json"

	"github.com/chromedp/cdproto"
	"github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/chromedp"
)

// directSession sends a target's commands straight to the pipe and takes
// each reply straight from the pipe reader: one hand-off per command instead
// of chromedp's queue, event loop and listener. Events still arrive through
// chromedp, so only commands whose replies nothing orders against events
// (running scripts) take this way.
type directSession struct {
	client *Client
	*chromedp.Target
}

var _ cdp.Session = directSession{}

// direct is the fast way to run scripts in a target the engine attached to.
func (p *Page) direct(t *chromedp.Target) directSession {
	return directSession{client: p.client, Target: t}
}

// Call sends a command with cdproto's types and decodes its reply as
// chromedp would.
func (d directSession) Call(ctx context.Context, method string, params, result any) error {
	raw, err := jsonv2.Marshal(params, chromedp.DefaultMarshalOptions)
	if err != nil {
		return err
	}
	reply, err := d.send(ctx, method, raw)
	if err != nil || result == nil {
		return err
	}
	return jsonv2.Unmarshal(reply, result, chromedp.DefaultUnmarshalOptions)
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
	env, err := d.client.call(ctx, envelope{SessionID: string(d.SessionID), Method: method, Params: params})
	if err != nil {
		return nil, err
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

// call sends one command on one of the client's sessions and waits for its
// reply, which never enters the client's outbox.
func (c *Client) call(ctx context.Context, env envelope) (envelope, error) {
	reply := make(chan envelope, 1)
	id, err := c.mux.sendFor(env, pending{client: c, method: env.Method, reply: reply})
	if err != nil {
		return envelope{}, err
	}
	select {
	case r := <-reply:
		return r, nil
	case <-c.done:
		return envelope{}, c.err
	case <-ctx.Done():
		c.mux.forget(id)
		return envelope{}, ctx.Err()
	}
}
