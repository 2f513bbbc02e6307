package engine

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// memConn is the user's end of a connection, in memory: the test plays the
// user; the browser on the other side is the real shared Chromium.
type memConn struct {
	in     chan []byte // from the user
	out    chan []byte // to the user
	closed chan struct{}
	once   sync.Once
	reason error
}

func newMemConn() *memConn {
	return &memConn{in: make(chan []byte), out: make(chan []byte), closed: make(chan struct{})}
}

func (m *memConn) ReadMessage() ([]byte, error) {
	select {
	case f := <-m.in:
		return f, nil
	case <-m.closed:
		return nil, io.EOF
	}
}

func (m *memConn) WriteMessage(msg []byte) error {
	select {
	case m.out <- append([]byte(nil), msg...):
		return nil
	case <-m.closed:
		return io.ErrClosedPipe
	}
}

func (m *memConn) CloseWith(reason error) {
	m.once.Do(func() {
		m.reason = reason
		close(m.closed)
	})
}

// serve runs Serve on the shared browser; wait returns its result once it
// has returned.
func serve(t *testing.T) (conn *memConn, wait func() error) {
	t.Helper()
	conn = newMemConn()
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		err = shared.Serve(conn)
	}()
	wait = func() error {
		select {
		case <-done:
			return err
		case <-time.After(time.Minute):
			t.Fatal("Serve did not return")
			return nil
		}
	}
	t.Cleanup(func() {
		conn.CloseWith(errors.New("test over"))
		<-done
	})
	return conn, wait
}

// send writes one frame as the user.
func (m *memConn) send(t *testing.T, frame string) {
	t.Helper()
	select {
	case m.in <- []byte(frame):
	case <-time.After(10 * time.Second):
		t.Fatalf("the server did not read %s", frame)
	}
}

// reply reads frames as the user until the reply with id, skipping events.
func (m *memConn) reply(t *testing.T, id int64) map[string]json.RawMessage {
	t.Helper()
	for {
		select {
		case f := <-m.out:
			var msg map[string]json.RawMessage
			if err := json.Unmarshal(f, &msg); err != nil {
				t.Fatalf("the server sent invalid JSON %q: %v", f, err)
			}
			if _, event := msg["method"]; !event && idOf(msg) == id {
				return msg
			}
		case <-m.closed:
			t.Fatalf("the connection closed before reply %d: %v", id, m.reason)
		case <-time.After(10 * time.Second):
			t.Fatalf("no reply %d", id)
		}
	}
}

func idOf(msg map[string]json.RawMessage) int64 {
	var id int64
	json.Unmarshal(msg["id"], &id)
	return id
}

func TestServeRelaysCommandsWithTheUsersIDs(t *testing.T) {
	a, _ := serve(t)
	b, _ := serve(t)
	a.send(t, `{"id":1,"method":"Browser.getVersion"}`)
	b.send(t, `{"id":1,"method":"Target.getTargets"}`)
	if got := a.reply(t, 1); !strings.Contains(string(got["result"]), "protocolVersion") {
		t.Errorf("client a got %s", got["result"])
	}
	if got := b.reply(t, 1); !strings.Contains(string(got["result"]), "targetInfos") {
		t.Errorf("client b got %s", got["result"])
	}
}

func TestServeAnswersMalformedMessagesLikeChromium(t *testing.T) {
	conn, _ := serve(t)
	for _, c := range []struct{ frame, want string }{
		{`garbage`, `{"error":{"code":-32700,"message":"Message must be a valid JSON"}}`},
		{`[1,2]`, `{"error":{"code":-32600,"message":"Message must be an object"}}`},
		{`{"method":"Browser.getVersion"}`, `{"error":{"code":-32600,"message":"Message must have integer 'id' property"}}`},
		{`{"id":"x","method":"Browser.getVersion"}`, `{"error":{"code":-32600,"message":"Message must have integer 'id' property"}}`},
		{`{"id":1.5,"method":"Browser.getVersion"}`, `{"error":{"code":-32600,"message":"Message must have integer 'id' property"}}`},
		{`{"id":4,"method":7}`, `{"id":4,"error":{"code":-32600,"message":"Message must have string 'method' property"}}`},
	} {
		conn.send(t, c.frame)
		select {
		case got := <-conn.out:
			if string(got) != c.want {
				t.Errorf("%s: got %s, want %s", c.frame, got, c.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no answer", c.frame)
		}
	}
	conn.send(t, `{"id":9,"method":"Nope.nope"}`)
	if got := conn.reply(t, 9); !strings.Contains(string(got["error"]), "wasn't found") {
		t.Errorf("unknown method: got %s, want Chromium's error", got["error"])
	}
	conn.send(t, `{"id":10,"method":"Browser.getVersion"}`)
	conn.reply(t, 10)
}

func TestServeBrowserCloseEndsOnlyThatClient(t *testing.T) {
	conn, done := serve(t)
	other, _ := serve(t)
	conn.send(t, `{"id":5,"method":"Browser.close"}`)
	if got := conn.reply(t, 5); string(got["result"]) != "{}" {
		t.Errorf("Browser.close: got %v, want an empty result", got)
	}
	if err := done(); !errors.Is(err, ErrClientClosed) {
		t.Errorf("Serve returned %v, want ErrClientClosed", err)
	}
	if !errors.Is(conn.reason, ErrClientClosed) {
		t.Errorf("the user was told %v", conn.reason)
	}
	other.send(t, `{"id":1,"method":"Browser.getVersion"}`)
	other.reply(t, 1)
}

func TestServeRefusesSessionsOfOtherClients(t *testing.T) {
	a, _ := serve(t)
	b, _ := serve(t)
	target := attachNewTab(t, a)
	b.send(t, `{"id":1,"sessionId":"`+target.session+`","method":"Runtime.evaluate","params":{"expression":"1"}}`)
	if got := b.reply(t, 1); !strings.Contains(string(got["error"]), "Session with given id not found") {
		t.Errorf("b used a's session: %v", got)
	}
	a.send(t, `{"id":3,"sessionId":"`+target.session+`","method":"Runtime.evaluate","params":{"expression":"1+1"}}`)
	if got := a.reply(t, 3); !strings.Contains(string(got["result"]), `"value":2`) {
		t.Errorf("a's own session: %v", got)
	}
}

func TestServeDisconnectsAClientThatDoesNotRead(t *testing.T) {
	conn, done := serve(t)
	go func() {
		for i := 1; i <= cdpmux.OutboxSize+100; i++ {
			select {
			case conn.in <- []byte(`{"id":` + itoa(i) + `,"method":"Browser.getVersion"}`):
			case <-conn.closed:
				return
			}
		}
	}()
	if err := done(); !errors.Is(err, ErrSlowClient) {
		t.Errorf("Serve returned %v, want ErrSlowClient", err)
	}
}

func TestServeReleasesWhatTheClientHeld(t *testing.T) {
	before := shared.mux.Tracked()
	conn, done := serve(t)
	target := attachNewTab(t, conn)
	conn.send(t, `{"id":3,"sessionId":"`+target.session+`","method":"Runtime.evaluate","params":{"expression":"new Promise(() => {})","awaitPromise":true}}`)
	conn.CloseWith(errors.New("the user vanished mid-command"))
	if err := done(); !errors.Is(err, ErrClientGone) {
		t.Errorf("Serve returned %v, want ErrClientGone", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for shared.mux.Tracked() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if after := shared.mux.Tracked(); after > before {
		t.Errorf("the mux holds %d sessions and pending replies after the client left, %d before", after, before)
	}
}

// tab is a tab that a test's client opened and attached to.
type tab struct{ id, session string }

// attachNewTab opens a tab as the user with ids 1 and 2, attaches to it, and
// closes it after the test.
func attachNewTab(t *testing.T, conn *memConn) tab {
	t.Helper()
	conn.send(t, `{"id":1,"method":"Target.createTarget","params":{"url":"about:blank"}}`)
	var created struct{ TargetID string }
	json.Unmarshal(conn.reply(t, 1)["result"], &created)
	conn.send(t, `{"id":2,"method":"Target.attachToTarget","params":{"targetId":"`+created.TargetID+`","flatten":true}}`)
	var attached struct{ SessionID string }
	json.Unmarshal(conn.reply(t, 2)["result"], &attached)
	t.Cleanup(func() {
		shared.mux.Call(context.Background(), "", "Target.closeTarget", map[string]string{"targetId": created.TargetID})
	})
	return tab{created.TargetID, attached.SessionID}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
