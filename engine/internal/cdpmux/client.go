package cdpmux

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
)

// OutboxSize bounds the messages queued for a client that does not read; a
// client that falls this far behind is disconnected instead of stalling the
// browser for everyone else.
const OutboxSize = 8192

// Client is one DevTools client of a browser: the engine's own connection or
// a user's WebSocket. Messages without a session id go to the client's own
// browser-level session.
type Client struct {
	mux       *Mux
	session   string
	out       chan Message
	done      chan struct{}
	once      sync.Once
	err       error
	intercept Intercept
	hook      Hook         // nil unless something rewrites the client's traffic
	events    atomic.Int64 // events queued for the client so far; see Events
	engine    bool         // the engine's own client: its replies are bounded by MAX_ANSWER_BYTES
}

// AsEngine marks a client as the engine's own: the replies it reads are
// bounded by the mux's maxAnswer; see readFrame.
func AsEngine(c *Client) { c.engine = true }

// Hook rewrites a client's traffic, e.g. to emulate a protocol domain the
// client must not enable in the browser.
type Hook interface {
	// Command sees each command the client sends; true means the hook
	// answered it and the browser does not get it.
	Command(Message) bool
	// Inbound sees each message for the client and returns what the client
	// gets instead: the message, others before it, or nothing.
	Inbound(Message) []Message
}

// SetHook installs the client's hook; call it from Connect's setup, before
// any message reaches the client.
func (c *Client) SetHook(h Hook) { c.hook = h }

// Hook is the client's hook, nil without one; a setup that wraps another's
// hook reads it.
func (c *Client) Hook() Hook { return c.hook }

// Intercept answers a command locally when it returns ok; the command is then
// not sent to the browser. close asks for the client to end after the reply.
type Intercept func(method string) (result json.RawMessage, ok, close bool)

// Connect opens a new client with its own browser-level session; setup runs
// on the client before any message reaches it.
func (m *Mux) Connect(ctx context.Context, intercept Intercept, setup ...func(*Client)) (*Client, error) {
	res, err := m.Call(ctx, "", "Target.attachToBrowserTarget", nil)
	if err != nil {
		return nil, err
	}
	c := &Client{mux: m, session: SessionIDOf(res), out: make(chan Message, OutboxSize), done: make(chan struct{}), intercept: intercept}
	for _, f := range setup {
		f(c)
	}
	m.own(c.session, c)
	return c, nil
}

// Send forwards one command from the client to the browser.
func (c *Client) Send(env Message) error {
	select {
	case <-c.done:
		return c.err
	default:
	}
	if c.intercept != nil {
		if res, ok, closeAfter := c.intercept(env.Method); ok {
			c.deliver(Message{ID: env.ID, SessionID: env.SessionID, Result: res})
			if closeAfter {
				c.end(ErrClientClosed)
			}
			return nil
		}
	}
	if env.SessionID == "" {
		env.SessionID = c.session
	} else if !c.owns(env.SessionID) {
		c.deliver(Message{ID: env.ID, SessionID: env.SessionID, Error: json.RawMessage(`{"code":-32001,"message":"Session with given id not found."}`)})
		return nil
	}
	if c.hook != nil && c.hook.Command(env) {
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
// With a hook, the hook sees the message first and may add messages of its
// own before it.
func (c *Client) deliver(env Message) {
	if c.hook != nil {
		for _, e := range c.hook.Inbound(env) {
			c.Push(e)
		}
		return
	}
	c.Push(env)
}

// Push queues a message for the client as it is, past the hook.
func (c *Client) Push(env Message) {
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
func (c *Client) Messages() <-chan Message { return c.out }

// Done is closed when the client has ended; Err says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err is why the client ended.
func (c *Client) Err() error { return c.err }

// Session is the client's own browser-level session.
func (c *Client) Session() string { return c.session }

// Mux is the mux the client is one of.
func (c *Client) Mux() *Mux { return c.mux }

// Events is how many events were queued for the client so far: a caller
// that sees it change while a command ran knows that events came first.
func (c *Client) Events() int64 { return c.events.Load() }

// Post sends a command for the client without waiting; its reply is
// dropped. Without a session id it goes to the client's own session.
func (c *Client) Post(env Message) error {
	if env.SessionID == "" {
		env.SessionID = c.session
	}
	return c.mux.send(env, pending{method: env.Method})
}

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
	m.send(Message{Method: "Target.detachFromTarget", Params: params}, pending{method: "Target.detachFromTarget"})
}

// call sends one command on one of the client's sessions and waits for its
// reply, which never enters the client's outbox.
func (c *Client) Call(ctx context.Context, env Message) (Message, error) {
	reply := make(chan Message, 1)
	id, err := c.mux.sendFor(env, pending{client: c, method: env.Method, reply: reply})
	if err != nil {
		return Message{}, err
	}
	select {
	case r := <-reply:
		return r, nil
	case <-c.done:
		return Message{}, c.err
	case <-ctx.Done():
		c.mux.forget(id)
		return Message{}, ctx.Err()
	}
}

// Detached is a client of no browser: what it sends fails, what is pushed
// to it waits in its queue. Tests of hooks use it.
func Detached(session string) *Client {
	return &Client{session: session, out: make(chan Message, OutboxSize), done: make(chan struct{})}
}
