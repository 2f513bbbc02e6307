package api

import (
	"errors"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	// maxMessage bounds one message from a client. It is Puppeteer's own
	// limit (maxPayload), so a Fetch.fulfillRequest body or a large
	// setDocumentContent fits, while a runaway client cannot buffer
	// unbounded memory; over it the client gets close code 1009.
	maxMessage = 256 << 20
	// pingEvery and pongWait find clients that vanished without closing
	// their TCP connection; every WebSocket library answers pings.
	pingEvery = 30 * time.Second
	pongWait  = 2*pingEvery + 10*time.Second
	// writeWait is how long one message may take to leave; a client that
	// stops reading is disconnected after it.
	writeWait = 30 * time.Second
	// closeWait bounds sending a close or ping frame; closeGrace is how long
	// the client has to answer the close frame.
	closeWait  = time.Second
	closeGrace = 5 * time.Second
)

var errBinaryFrame = errors.New("the client sent a binary frame")

// cdpConn is a client's WebSocket as the engine's Conn: DevTools messages
// are JSON in text frames.
type cdpConn struct {
	ws     *websocket.Conn
	reason func(error) (code int, text string)

	mu      sync.Mutex // orders read deadlines between pongs and the close
	closing bool
	revoked error // set when the credential the client used was rotated
}

func newCDPConn(ws *websocket.Conn, reason func(error) (int, string)) *cdpConn {
	c := &cdpConn{ws: ws, reason: reason}
	ws.SetReadLimit(maxMessage)
	ws.SetPongHandler(func(string) error { return c.extendRead() })
	c.extendRead()
	return c
}

// extendRead gives the client another pongWait to speak, unless the
// connection is closing.
func (c *cdpConn) extendRead() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || c.revoked != nil {
		return nil
	}
	return c.ws.SetReadDeadline(time.Now().Add(pongWait))
}

// revoke ends the client's reading at once with err, so that the relay
// ends and closes the connection with err's reason.
func (c *cdpConn) revoke(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.revoked = err
	c.ws.SetReadDeadline(time.Now())
}

func (c *cdpConn) revokedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.revoked
}

// ReadMessage returns the next text message; a binary frame ends the
// connection, as in Chromium.
func (c *cdpConn) ReadMessage() ([]byte, error) {
	typ, msg, err := c.ws.ReadMessage()
	if err != nil {
		if revoked := c.revokedErr(); revoked != nil {
			return nil, revoked
		}
		return nil, err
	}
	c.extendRead()
	if typ != websocket.TextMessage {
		return nil, errBinaryFrame
	}
	return msg, nil
}

// WriteMessage sends one message within writeWait.
func (c *cdpConn) WriteMessage(msg []byte) error {
	c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return c.ws.WriteMessage(websocket.TextMessage, msg)
}

// CloseWith sends the close frame and gives the client closeGrace to answer
// it. When a write blocks the frame, the write is made to fail instead.
func (c *cdpConn) CloseWith(reason error) {
	code, text := c.reason(reason)
	frame := websocket.FormatCloseMessage(code, text)
	if err := c.ws.WriteControl(websocket.CloseMessage, frame, time.Now().Add(closeWait)); err != nil {
		c.ws.NetConn().SetWriteDeadline(time.Now())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closing = true
	c.ws.SetReadDeadline(time.Now().Add(closeGrace))
}

// keepAlive pings the client every pingEvery until stop is called; stop
// returns once the pinger has ended.
func (c *cdpConn) keepAlive() (stop func()) {
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		tick := time.NewTicker(pingEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(closeWait))
			}
		}
	}()
	return func() {
		close(done)
		<-ended
	}
}
