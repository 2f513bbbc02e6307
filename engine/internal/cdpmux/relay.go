package cdpmux

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Conn is a user's DevTools connection, such as a WebSocket: whole JSON
// messages in both directions. Serve reads from one goroutine and writes
// from another; CloseWith is called once, while both may run.
type Conn interface {
	// ReadMessage blocks until the next message from the user arrives.
	ReadMessage() ([]byte, error)
	// WriteMessage sends one message to the user.
	WriteMessage(msg []byte) error
	// CloseWith tells the user why the connection ends. A WriteMessage that
	// blocks must then fail, and ReadMessage must fail soon, e.g. once the
	// user answers the close.
	CloseWith(reason error)
}

// bigFrame is the size above which the writer does not keep its buffer for
// the next message, so an idle connection does not hold a screenshot.
const bigFrame = 1 << 20

// Filter checks a user's command before it reaches the browser: it returns
// the command to send, or the reply that refuses it.
type Filter func(Message) (Message, *Message)

// Relay serves conn with the client until either ends: it forwards the
// user's commands that filter lets through and writes back what the
// browser sends. It returns once both of its goroutines have ended.
func (c *Client) Relay(conn Conn, filter Filter) {
	read, wrote := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(read)
		relayIn(conn, c, filter)
	}()
	go func() {
		defer close(wrote)
		relayOut(conn, c)
	}()
	<-c.done
	if errors.Is(c.err, ErrClientClosed) {
		<-wrote // the reply to Browser.close goes out before the close frame
	}
	conn.CloseWith(c.err)
	<-wrote
	<-read
}

// relayIn forwards the user's commands, as the filter lets them through,
// until the connection fails; it keeps reading after the client ended, so
// that the user's answer to the close frame is read.
func relayIn(conn Conn, c *Client, filter Filter) {
	for {
		frame, err := conn.ReadMessage()
		if err != nil {
			c.end(fmt.Errorf("%w: %w", ErrClientGone, err))
			return
		}
		env, refusal := ParseCommand(frame)
		if refusal == nil {
			env, refusal = filter(env)
		}
		if refusal != nil {
			c.deliver(*refusal)
			continue
		}
		c.Send(env)
	}
}

// relayOut writes what the browser sends to the client until the client
// ends. After Browser.close it first writes what is queued, so the user gets
// the reply.
func relayOut(conn Conn, c *Client) {
	var buf []byte
	for {
		select {
		case env := <-c.out:
			if buf = write(conn, c, buf, env); buf == nil {
				return
			}
		case <-c.done:
			if errors.Is(c.err, ErrClientClosed) {
				flush(conn, c, buf)
			}
			return
		}
	}
}

// flush writes the messages still queued for an ended client.
func flush(conn Conn, c *Client, buf []byte) {
	for {
		select {
		case env := <-c.out:
			if buf = write(conn, c, buf, env); buf == nil {
				return
			}
		default:
			return
		}
	}
}

// write encodes env into buf and sends it; it returns the buffer to reuse,
// or nil when the write failed and the client was ended.
func write(conn Conn, c *Client, buf []byte, env Message) []byte {
	buf = appendMessage(buf[:0], env)
	if err := conn.WriteMessage(buf); err != nil {
		c.end(fmt.Errorf("%w: %w", ErrClientGone, err))
		return nil
	}
	if cap(buf) > bigFrame {
		return make([]byte, 0, 512)
	}
	return buf
}

// command is a user's message as Chromium checks it: an object with an
// integer id.
type command struct {
	ID        *int64          `json:"id"`
	SessionID string          `json:"sessionId"`
	Method    string          `json:"method"`
	Params    json.RawMessage `json:"params"`
}

// ParseCommand reads one message from a user. A message that Chromium would
// refuse gets the error reply that Chromium sends, without reaching it.
func ParseCommand(frame []byte) (Message, *Message) {
	var cmd command
	err := json.Unmarshal(frame, &cmd)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
	case !errors.As(err, &typeErr):
		return Message{}, Refusal(0, -32700, "Message must be a valid JSON")
	case typeErr.Field == "":
		return Message{}, Refusal(0, -32600, "Message must be an object")
	case typeErr.Field == "id":
		cmd.ID = nil
	case cmd.ID != nil:
		return Message{}, Refusal(*cmd.ID, -32600, "Message must have string '"+typeErr.Field+"' property")
	}
	if cmd.ID == nil {
		return Message{}, Refusal(0, -32600, "Message must have integer 'id' property")
	}
	return Message{ID: *cmd.ID, SessionID: cmd.SessionID, Method: cmd.Method, Params: cmd.Params}, nil
}

// Refusal is the DevTools error reply to command id.
func Refusal(id int64, code int, message string) *Message {
	raw, _ := json.Marshal(map[string]any{"code": code, "message": message})
	return &Message{ID: id, Error: raw}
}

// Why a user's client ended, for the transport to tell the user.
var (
	// ErrClientClosed is a client that sent Browser.close or was closed by
	// its owner; the browser keeps running.
	ErrClientClosed = errors.New("the client closed its connection; the browser keeps running")
	// ErrClientGone is a connection that failed or was closed by the user.
	ErrClientGone = errors.New("the client connection ended")
	// ErrSlowClient is a client that did not read what the browser sent.
	ErrSlowClient = errors.New("the client did not read its messages and was disconnected")
)
