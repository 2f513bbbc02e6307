package api

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/sessionql/sessionql/sessions"
)

// hello is the first message of a live view's stream.
type hello struct {
	Type     string
	Steering bool
	Tabs     []sessions.Tab
	Tab      string
}

func readHello(t *testing.T, ws *websocket.Conn) hello {
	t.Helper()
	var h hello
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	if err := ws.ReadJSON(&h); err != nil || h.Type != "hello" {
		t.Fatalf("hello: %+v %v", h, err)
	}
	return h
}

// until reads the stream, acknowledging frames, until a message of type
// typ arrives, and returns it raw.
func until(t *testing.T, ws *websocket.Conn, typ string) json.RawMessage {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		var raw json.RawMessage
		if err := ws.ReadJSON(&raw); err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		var m liveMessage
		json.Unmarshal(raw, &m)
		if m.Type == "frame" {
			ws.WriteJSON(map[string]any{"type": "ack", "seq": m.Seq})
		}
		if m.Type == typ {
			return raw
		}
	}
}

// clickVia sends a click at (x, y) of the page, then asks for the tabs:
// once they arrive the server has handled the click (a viewer's messages
// are handled in order).
func clickVia(t *testing.T, ws *websocket.Conn, tab string, x, y float64) {
	t.Helper()
	for _, typ := range []string{"mousePressed", "mouseReleased"} {
		ws.WriteJSON(map[string]any{"type": "mouse", "mouse": map[string]any{"type": typ, "x": x, "y": y, "button": "left", "clickCount": 1}})
	}
	ws.WriteJSON(map[string]any{"type": "tab", "tab": tab})
	until(t, ws, "tabs")
}

// TestLiveViewersTakeTurnsAndPickTabs has two viewers of one session: the
// first steers, the second's click is dropped until it takes control; a
// tab a CDP client opens appears in the tab picker and can be watched.
func TestLiveViewersTakeTurnsAndPickTabs(t *testing.T) {
	srv, s := liveServer(t)
	live := mintLive(t, srv, s.ID, nil)
	a := dialLive(t, live.URL)
	ha := readHello(t, a) // the first viewer steers once its view has started
	b := dialLive(t, live.URL)
	hb := readHello(t, b)
	if !ha.Steering || hb.Steering || len(hb.Tabs) != 1 {
		t.Fatalf("first viewer steers %v, second %v, tabs %v", ha.Steering, hb.Steering, hb.Tabs)
	}
	clickVia(t, b, hb.Tab, 200, 240)
	if got := sessionValue(t, s, "document.body.dataset.clicked || 'no'"); got != "no" {
		t.Fatalf("a viewer that does not steer clicked: %q", got)
	}
	b.WriteJSON(map[string]any{"type": "steer"})
	steer := struct{ Steering bool }{true}
	for steer.Steering { // a steer message from when it connected may come first
		json.Unmarshal(until(t, a, "steer"), &steer)
	}
	clickVia(t, b, hb.Tab, 200, 240)
	if got := sessionValue(t, s, "document.body.dataset.clicked || 'no'"); got != "yes" {
		t.Errorf("the viewer that took control could not click: %q", got)
	}

	cdp := cdpDial(t, s.Connect, nil)
	var created struct{ TargetID string }
	json.Unmarshal(cdp.call("", "Target.createTarget", map[string]any{"url": "about:blank"}), &created)
	var tabs struct {
		Tabs []sessions.Tab
		Tab  string
	}
	for len(tabs.Tabs) < 2 {
		json.Unmarshal(until(t, b, "tabs"), &tabs)
	}
	b.WriteJSON(map[string]any{"type": "tab", "tab": created.TargetID})
	for tabs.Tab != created.TargetID {
		json.Unmarshal(until(t, b, "tabs"), &tabs)
	}
	until(t, b, "frame")
}

// TestLiveViewWakesAndHoldsSession watches a hibernated session: the view
// wakes it, the session is not hibernated for idleness while watched,
// and is once the viewer leaves.
func TestLiveViewWakesAndHoldsSession(t *testing.T) {
	srv := newServer(t, func(c *sessionsConfig, a *Config) { a.Token = "tok"; c.IdleTimeout = 500 * time.Millisecond })
	s := decodeAs[sessionJSON](t, do(t, "POST", srv.URL+"/session?token=tok", map[string]any{}))
	status := func() string {
		return decodeAs[sessionJSON](t, do(t, "GET", srv.URL+"/sessions/"+s.ID+"?token=tok", nil)).Status
	}
	if got := status(); got != "hibernated" {
		t.Fatalf("a new session is %s", got)
	}
	live := mintLive(t, srv, s.ID, nil)
	viewer := dialLive(t, live.URL)
	readHello(t, viewer)
	for range 3 { // three idle timeouts while watched
		drainFor(viewer, 500*time.Millisecond)
		if got := status(); got != "live" {
			t.Fatalf("a watched session is %s", got)
		}
	}
	viewer.Close()
	deadline := time.Now().Add(20 * time.Second)
	for status() != "hibernated" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := status(); got != "hibernated" {
		t.Errorf("after the viewer left the idle session is %s", got)
	}
}

// drainFor reads and acknowledges whatever the stream sends for d.
func drainFor(ws *websocket.Conn, d time.Duration) {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		ws.SetReadDeadline(end)
		var m liveMessage
		if ws.ReadJSON(&m) != nil {
			return
		}
		if m.Type == "frame" {
			ws.WriteJSON(map[string]any{"type": "ack", "seq": m.Seq})
		}
	}
}
