package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestLiveURLTokenOpensOnlyTheLiveView makes a live URL with BrowserQL's
// liveURL: it opens the live view without the server token, and its token
// is refused on REST, BrowserQL, CDP, another session's live view, and
// after its timeout.
func TestLiveURLTokenOpensOnlyTheLiveView(t *testing.T) {
	srv, s := liveServer(t)
	other := decodeAs[sessionJSON](t, do(t, "POST", srv.URL+"/session?token=tok", map[string]any{}))
	_, res := bql(t, s.BrowserQL, `mutation { liveURL(timeout: 4000, interactable: false, type: png, quality: 80, resizable: false) { liveURL liveURLId time } }`, nil)
	var live struct{ LiveURL, LiveURLId string }
	if err := json.Unmarshal(res.Data["liveURL"], &live); err != nil || len(res.Errors) > 0 || live.LiveURL == "" || len(live.LiveURLId) != 16 || strings.Contains(live.LiveURL, live.LiveURLId) {
		t.Fatalf("liveURL: %s %+v", res.Data["liveURL"], res.Errors)
	}
	_, refused := bql(t, s.BrowserQL, `mutation { liveURL(showBrowserInterface: true) { liveURL } }`, nil)
	if len(refused.Errors) != 1 || refused.Errors[0].Extensions["code"] != "invalid_argument" || !strings.Contains(refused.Errors[0].Message, "tab picker") {
		t.Errorf("liveURL(showBrowserInterface: true): %+v; want invalid_argument saying what the live view shows", refused.Errors)
	}
	u, _ := url.Parse(live.LiveURL)
	token := u.Query().Get("token")
	if !strings.HasPrefix(token, liveTokenPrefix) || u.Path != "/sessions/"+s.ID+"/live" {
		t.Fatalf("liveURL = %s", live.LiveURL)
	}
	page := doHeader(t, "GET", live.LiveURL, nil, map[string]string{"Accept": "text/html"})
	if page.Status != 200 || !strings.Contains(string(page.Body), `data-session="`+s.ID+`"`) || !strings.Contains(page.Header.Get("Content-Security-Policy"), "frame-ancestors *") {
		t.Fatalf("the live URL answers %d %v", page.Status, page.Header)
	}
	ws := "ws" + strings.TrimPrefix(srv.URL, "http")
	viewer, _, err := websocket.DefaultDialer.Dial(ws+"/sessions/"+s.ID+"/live/ws?token="+token, nil)
	if err != nil {
		t.Fatalf("the live token does not open the stream: %v", err)
	}
	var hello struct {
		Type        string
		Interactive bool
	}
	if err := viewer.ReadJSON(&hello); err != nil || hello.Type != "hello" || hello.Interactive {
		t.Errorf("hello = %+v, %v; want a view-only hello", hello, err)
	}
	viewer.Close()

	q := "?token=" + url.QueryEscape(token)
	for _, r := range []struct{ method, path string }{
		{"GET", "/sessions/" + s.ID}, {"GET", "/sessions"}, {"POST", "/sessions/" + s.ID + "/bql"},
		{"DELETE", "/sessions/" + s.ID}, {"POST", "/sessions/" + s.ID + "/live-url"}, {"GET", "/pressure"},
		{"GET", "/sessions/" + other.ID + "/live"},
	} {
		if got := do(t, r.method, srv.URL+r.path+q, map[string]any{"query": "mutation { title { title } }"}); got.Status != http.StatusUnauthorized {
			t.Errorf("%s %s with a live token: %d %s", r.method, r.path, got.Status, got.Body)
		}
	}
	if got := cdpRefusal(t, ws+"/sessions/"+s.ID+"/connect"+q, nil); got.Status != http.StatusUnauthorized {
		t.Errorf("CDP with a live token: %d", got.Status)
	}
	if got := cdpRefusal(t, ws+"/sessions/"+other.ID+"/live/ws"+q, nil); got.Status != http.StatusUnauthorized {
		t.Errorf("another session's live stream with a live token: %d", got.Status)
	}
	deadline := time.Now().Add(20 * time.Second)
	for do(t, "GET", live.LiveURL, nil).Status == 200 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if got := doHeader(t, "GET", live.LiveURL, nil, map[string]string{"Accept": "text/html"}); got.Status != http.StatusUnauthorized || !strings.Contains(string(got.Body), "expired") {
		t.Errorf("after its timeout the live URL answers %d %s", got.Status, got.Body)
	}
}

// TestLiveURLRevoke revokes a session's live URLs: the open view ends and
// the URL no longer opens.
func TestLiveURLRevoke(t *testing.T) {
	srv, s := liveServer(t)
	live := mintLive(t, srv, s.ID, map[string]any{"timeout": 600000})
	viewer := dialLive(t, live.URL)
	if r := do(t, "DELETE", srv.URL+"/sessions/"+s.ID+"/live-url?token=tok", nil); r.Status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if reason := readUntilEnded(t, viewer); reason != "expired" {
		t.Errorf("a revoked view ended with %q", reason)
	}
	if r := do(t, "GET", live.URL, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("a revoked live URL answers %d", r.Status)
	}
}

// dialLive opens a live view's stream as a raw WebSocket client.
func dialLive(t testing.TB, pageURL string) *websocket.Conn {
	t.Helper()
	u, _ := url.Parse(pageURL)
	u.Scheme, u.Path = "ws", u.Path+"/ws"
	ws, resp, err := websocket.DefaultDialer.Dial(u.String(), nil)
	if err != nil {
		t.Fatalf("dial %s: %v (%s)", u, err, cdpBody(resp))
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// liveMessage is what the live view's stream sends.
type liveMessage struct {
	Type, Reason, Message string
	Seq                   int64
	Data                  string
}

// readUntilEnded reads the stream, acknowledging frames, until it ends,
// and returns the reason the server gave.
func readUntilEnded(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		var m liveMessage
		if err := ws.ReadJSON(&m); err != nil {
			t.Fatalf("the stream closed without saying why: %v", err)
		}
		switch m.Type {
		case "frame":
			ws.WriteJSON(map[string]any{"type": "ack", "seq": m.Seq})
		case "ended":
			return m.Reason
		}
	}
}
