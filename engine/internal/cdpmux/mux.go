// Package cdpmux shares Chromium's DevTools pipe between clients: the
// engine's own connections and users' WebSockets. It reads and writes the
// pipe's messages (Message, without parsing payloads), gives each client a
// browser-level session of its own and routes replies and events to the
// client they belong to, relays a user's connection (Client.Relay) with a
// filter for its commands and a hook for its traffic, and bounds the replies
// it reads (see readFrame).
//
// Order: Chromium writes a session's events and replies in the order it
// makes them, and the mux queues them for each client in that order
// (Client.Messages). The one exception is Client.Call, whose reply skips the
// queue for speed; Client.Events tells such a caller whether events were
// queued while the command ran, so that it can wait for them (the engine's
// directSession does).
package cdpmux

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Mux owns Chromium's DevTools pipe and shares it between clients. Each
// client gets its own browser-level session (Target.attachToBrowserTarget),
// so Chromium keeps discovery, auto-attach and child sessions apart per
// client, exactly as for separate WebSocket connections.
type Mux struct {
	w      io.WriteCloser
	r      io.ReadCloser
	wmu    sync.Mutex
	nextID atomic.Int64

	mu      sync.Mutex
	pending map[int64]pending
	owners  map[string]*Client // session id → the client it belongs to
	err     error              // set once the pipe is gone
	gone    chan struct{}

	maxAnswer int // the largest reply read for the engine's own commands; see readFrame

	heard atomic.Int64 // when the browser last sent anything, in Unix nanoseconds; see quiet
}

// readSize is the reader's buffer: as large as the pipe's (the launcher
// grows it to 1 MiB), so one read takes what one wake-up brings.
const readSize = 1 << 20

// pending is where the reply to one forwarded or internal command goes.
type pending struct {
	client *Client
	id     int64 // the client's own id
	method string
	reply  chan Message // for the mux's own calls
}

func New(w io.WriteCloser, r io.ReadCloser, maxAnswer int) *Mux {
	if maxAnswer <= 0 {
		maxAnswer = DefaultMaxAnswerBytes
	}
	m := &Mux{w: w, r: r, pending: map[int64]pending{}, owners: map[string]*Client{}, gone: make(chan struct{}), maxAnswer: maxAnswer}
	m.heard.Store(time.Now().UnixNano())
	go m.read()
	return m
}

// Tracked counts the sessions and the replies the mux keeps track of, so a
// test can tell that a client left nothing behind.
func (m *Mux) Tracked() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.owners) + len(m.pending)
}

// Ready waits until the browser answers on the pipe.
func (m *Mux) Ready(ctx context.Context) error {
	_, err := m.Call(ctx, "", "Browser.getVersion", nil)
	return err
}

// quiet is how long the browser has sent nothing on the pipe: a browser
// that talks is not wedged, so only a quiet one needs a health ping.
func (m *Mux) Quiet() time.Duration {
	return time.Since(time.Unix(0, m.heard.Load()))
}

// hear notes that the browser just sent something.
func (m *Mux) hear() { m.heard.Store(time.Now().UnixNano()) }

func (m *Mux) read() {
	br := bufio.NewReaderSize(m.r, readSize)
	for {
		frame, ok, err := readFrame(br, m.replyLimit, m.hear)
		if err != nil {
			m.Close(fmt.Errorf("read from browser: %w", err))
			return
		}
		if !ok {
			continue
		}
		env, err := decodeMessage(frame)
		if err != nil {
			continue
		}
		m.route(env)
	}
}

// route hands a message from Chromium to the client it belongs to.
func (m *Mux) route(env Message) {
	if env.ID != 0 {
		m.routeReply(env)
		return
	}
	m.mu.Lock()
	c := m.owners[env.SessionID]
	m.mu.Unlock()
	if c == nil {
		return
	}
	switch env.Method {
	case "Target.attachedToTarget":
		m.own(SessionIDOf(env.Params), c)
	case "Target.detachedFromTarget":
		defer m.disown(SessionIDOf(env.Params))
	}
	c.deliver(env)
}

func (m *Mux) routeReply(env Message) {
	m.mu.Lock()
	p, ok := m.pending[env.ID]
	delete(m.pending, env.ID)
	m.mu.Unlock()
	if !ok {
		return
	}
	if p.reply != nil {
		p.reply <- env
		return
	}
	if p.client == nil {
		return
	}
	if attaches(p.method) && env.Error == nil {
		m.own(SessionIDOf(env.Result), p.client)
	}
	env.ID = p.id
	p.client.deliver(env)
}

// attaches reports whether a command's reply names a new session for the
// client that sent it.
func attaches(method string) bool {
	return method == "Target.attachToTarget" || method == "Target.attachToBrowserTarget"
}

// SessionIDOf reads the sessionId field of a message's params or result.
func SessionIDOf(raw json.RawMessage) string {
	var v struct {
		SessionID string `json:"sessionId"`
	}
	json.Unmarshal(raw, &v)
	return v.SessionID
}

// own records that session belongs to c, unless c has ended: its release
// may already have run, and the entry would outlive it.
func (m *Mux) own(session string, c *Client) {
	if session == "" {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	select {
	case <-c.done:
	default:
		m.owners[session] = c
	}
}

func (m *Mux) disown(session string) {
	m.mu.Lock()
	delete(m.owners, session)
	m.mu.Unlock()
}

// send forwards a client's command under a fresh id.
func (m *Mux) send(env Message, p pending) error {
	_, err := m.sendFor(env, p)
	return err
}

// sendFor forwards a command under a fresh id and returns that id.
func (m *Mux) sendFor(env Message, p pending) (int64, error) {
	id := m.nextID.Add(1)
	m.mu.Lock()
	if m.err != nil {
		m.mu.Unlock()
		return 0, m.err
	}
	m.pending[id] = p
	m.mu.Unlock()
	env.ID = id
	if err := m.write(env); err != nil {
		m.forget(id)
		return 0, err
	}
	return id, nil
}

// forget drops the reply to a command nobody waits for any more.
func (m *Mux) forget(id int64) {
	m.mu.Lock()
	delete(m.pending, id)
	m.mu.Unlock()
}

func (m *Mux) write(env Message) error {
	buf := appendMessage(make([]byte, 0, 128+len(env.Params)), env)
	m.wmu.Lock()
	defer m.wmu.Unlock()
	_, err := m.w.Write(append(buf, 0))
	return err
}

// call runs one command for the mux itself and returns its result.
func (m *Mux) Call(ctx context.Context, session, method string, params any) (json.RawMessage, error) {
	env := Message{SessionID: session, Method: method}
	if params != nil {
		raw, err := json.Marshal(params)
		if err != nil {
			return nil, err
		}
		env.Params = raw
	}
	reply := make(chan Message, 1)
	id, err := m.sendFor(env, pending{method: method, reply: reply})
	if err != nil {
		return nil, err
	}
	select {
	case r := <-reply:
		if r.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, r.Error)
		}
		return r.Result, nil
	case <-m.gone:
		return nil, m.err
	case <-ctx.Done():
		m.forget(id)
		return nil, ctx.Err()
	}
}

// close fails every waiting call and ends every client once the pipe is gone.
func (m *Mux) Close(err error) {
	m.mu.Lock()
	if m.err != nil {
		m.mu.Unlock()
		return
	}
	m.err = err
	clients := map[*Client]bool{}
	for _, c := range m.owners {
		clients[c] = true
	}
	m.mu.Unlock()
	close(m.gone)
	m.w.Close()
	m.r.Close()
	for c := range clients {
		c.end(err)
	}
}
