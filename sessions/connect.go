package sessions

import (
	"context"
	"sync"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/events"
)

// Conn is a DevTools client's connection, such as a WebSocket: whole JSON
// messages both ways; see engine.Conn.
type Conn = engine.Conn

// Why a DevTools client's connection ended, for the transport to tell it.
var (
	ErrClientClosed = engine.ErrClientClosed // the client sent Browser.close
	ErrSlowClient   = engine.ErrSlowClient   // the client did not read its messages
	ErrClientGone   = engine.ErrClientGone   // the connection broke
)

// Client is a DevTools client's hold on a session's browser: the browser
// stays awake, and is not hibernated, until Close.
type Client struct {
	browser *engine.Browser
	release func()
}

// Connect gives a DevTools client the session's browser, waking it if
// needed. Every refusal (unknown session, no browser slot, a browser that
// cannot start) comes from Connect, before the transport accepts the
// connection. A session created with keepAlive false ends when its last
// client closes.
func (s *Service) Connect(ctx context.Context, id string) (*Client, error) {
	e, err := s.entry(id)
	if err != nil {
		return nil, err
	}
	e.addClient()
	b, release, err := s.Use(ctx, id)
	if err != nil {
		e.dropClient()
		return nil, err
	}
	return &Client{browser: b, release: sync.OnceFunc(func() {
		release()
		if e.dropClient() && e.endsOnDisconnect() {
			s.endInBackground(e, events.Stopped, "last client disconnected")
		}
	})}, nil
}

// addClient counts a CDP client of the session.
func (e *entry) addClient() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clients++
}

// dropClient uncounts one; true when it was the last.
func (e *entry) dropClient() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clients--
	return e.clients == 0
}

func (e *entry) endsOnDisconnect() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.sess.Options.EndOnDisconnect
}

// Serve relays conn to the browser until either side ends and says why;
// the user gets a browser-level session of its own.
func (c *Client) Serve(conn Conn) error { return c.browser.Serve(conn) }

// Close lets the session's browser go and saves the session's state; it
// may be called more than once.
func (c *Client) Close() { c.release() }
