package engine

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
)

// outboxSize bounds the messages queued for a client that does not read; a
// client that falls this far behind is disconnected instead of stalling the
// browser for everyone else.
const outboxSize = 8192

// Client is one DevTools client of a browser: the engine's own connection or
// a user's WebSocket. Messages without a session id go to the client's own
// browser-level session.
type Client struct {
	mux       *Mux
	session   string
	out       chan envelope
	done      chan struct{}
	once      sync.Once
	err       error
	intercept Intercept
	shim      *runtimeShim // nil unless the client's Runtime domain is emulated
	events    atomic.Int64 // events queued for the client so far; see directSession
	engine    bool         // the engine's own client: its replies are bounded by MAX_ANSWER_BYTES
}

// asEngine marks a client as the engine's own; see readFrame.
func asEngine(c *Client) { c.engine = true }

// Intercept answers a command locally when it returns ok; the command is then
// not sent to the browser. close asks for the client to end after the reply.
type Intercept func(method string) (result json.RawMessage, ok, close bool)

// Connect opens a new client with its own browser-level session; setup runs
// on the client before any message reaches it.
func (m *Mux) Connect(ctx context.Context, intercept Intercept, setup ...func(*Client)) (*Client, error) {
	res, err := m.call(ctx, "", "Target.attachToBrowserTarget", nil)
	if err != nil {
		return nil, err
	}
	c := &Client{mux: m, session: sessionIDOf(res), out: make(chan envelope, outboxSize), done: make(chan struct{}), intercept: intercept}
	for _, f := range setup {
		f(c)
	}
	m.own(c.session, c)
	return c, nil
}

// Send forwards one command from the client to the browser.
func (c *Client) Send(env envelope) error {
	select {
	case <-c.done:
		return c.err
	default:
	}
	if c.intercept != nil {
		if res, ok, closeAfter := c.intercept(env.Method); ok {
			c.deliver(envelope{ID: env.ID, SessionID: env.SessionID, Result: res})
			if closeAfter {
				c.end(ErrClientClosed)
			}
			return nil
		}
	}
	if env.SessionID == "" {
		env.SessionID = c.session
	} else if !c.owns(env.SessionID) {
		c.deliver(envelope{ID: env.ID, SessionID: env.SessionID, Error: json.RawMessage(`{"code":-32001,"message":"Session with given id not found."}`)})
		return nil
	}
	if c.shim != nil && c.shim.command(env) {
		return nil
	}
	return c.mux.send(env, pending{client: c, id: env.ID, method: env.Method})
}

func (c *Client) owns(session string) bool {
	c.mux.mu.Lock()
	defer c.mux.mu.Unlock()
	return c.mux.owners[session] == c
}

// deliver queues a message for the client; it never blocks the pipe reader.
// With a runtime shim, the shim sees the message first and may add
// messages of its own before it.
func (c *Client) deliver(env envelope) {
	if c.shim != nil {
		for _, e := range c.shim.inbound(env) {
			c.push(e)
		}
		return
	}
	c.push(env)
}

// push queues a message for the client as it is.
func (c *Client) push(env envelope) {
	if env.SessionID == c.session {
		env.SessionID = ""
	}
	if env.Method != "" {
		c.events.Add(1)
	}
	select {
	case c.out <- env:
	case <-c.done:
	default:
		c.end(ErrSlowClient)
	}
}

// Messages yields what the browser sends to this client until Done.
func (c *Client) Messages() <-chan envelope { return c.out }

// Done is closed when the client has ended; Err says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err is why the client ended.
func (c *Client) Err() error { return c.err }

// Close ends the client and detaches its sessions; pages it opened stay.
func (c *Client) Close() { c.end(ErrClientClosed) }

func (c *Client) end(err error) {
	c.once.Do(func() {
		c.err = err
		close(c.done)
		c.mux.release(c)
	})
}

// release forgets a client's sessions and the replies it waits for, and
// detaches its browser session, which detaches the sessions it attached. It
// does not wait for the reply, so it is safe on the pipe reader.
func (m *Mux) release(c *Client) {
	m.mu.Lock()
	for s, owner := range m.owners {
		if owner == c {
			delete(m.owners, s)
		}
	}
	for id, p := range m.pending {
		if p.client == c {
			delete(m.pending, id)
		}
	}
	m.mu.Unlock()
	params, _ := json.Marshal(map[string]string{"sessionId": c.session})
	m.send(envelope{Method: "Target.detachFromTarget", Params: params}, pending{method: "Target.detachFromTarget"})
}
