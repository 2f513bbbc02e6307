package engine

import (
	"context"
	"encoding/json"
	"time"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
	"github.com/sessionql/sessionql/engine/internal/stealth"
)

// Conn is a user's DevTools connection, such as a WebSocket: whole JSON
// messages in both directions. Serve reads from one goroutine and writes
// from another; CloseWith is called once, while both may run.
type Conn = cdpmux.Conn

// Why a user's client ended, for the transport to tell the user.
var (
	// ErrClientClosed is a client that sent Browser.close or was closed by
	// its owner; the browser keeps running.
	ErrClientClosed = cdpmux.ErrClientClosed
	// ErrClientGone is a connection that failed or was closed by the user.
	ErrClientGone = cdpmux.ErrClientGone
	// ErrSlowClient is a client that did not read what the browser sent.
	ErrSlowClient = cdpmux.ErrSlowClient
)

// DefaultMaxAnswerBytes is MAX_ANSWER_BYTES when none is set: the largest
// reply from Chromium the engine takes for one of its own commands, such as
// a script's value or a screenshot.
const DefaultMaxAnswerBytes = cdpmux.DefaultMaxAnswerBytes

// connectTimeout bounds opening a user's browser-level session.
const connectTimeout = 10 * time.Second

// Serve relays DevTools messages between conn and a new client of the
// browser until either side ends, and returns why it ended. The user gets a
// browser-level session of its own, as with Chromium's own WebSocket;
// Browser.close only ends this connection. Serve returns once both of its
// goroutines have ended.
func (b *Browser) Serve(conn Conn) error {
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	var setup []func(*cdpmux.Client)
	if b.stealth {
		setup = append(setup, stealth.InstallRuntimeShim)
	}
	c, err := b.mux.Connect(ctx, userIntercept, append(setup, b.hideGuard)...)
	cancel()
	if err != nil {
		return err
	}
	c.Relay(conn, b.userFilter)
	b.sendDownloads()
	return c.Err()
}

// userFilter applies the session's policy to a user's command; a
// navigation that passes lets a recording take the events of the document
// it leaves first.
func (b *Browser) userFilter(env cdpmux.Message) (cdpmux.Message, *cdpmux.Message) {
	out, refusal := b.policy.filter(env)
	if refusal == nil {
		b.flushBeforeUserNavigation(out.Method)
	}
	return out, refusal
}

// userIntercept answers Browser.close from a user without closing the
// browser: the session outlives its clients, and only its stop URL ends it.
func userIntercept(method string) (json.RawMessage, bool, bool) {
	if method == "Browser.close" {
		return json.RawMessage(`{}`), true, true
	}
	return nil, false, false
}
