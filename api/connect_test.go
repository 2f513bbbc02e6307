package api

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sessionql/sessionql/internal/testutil"
)

// cdpClient is a bare DevTools client over the connect WebSocket, for tests
// that need exact control of the frames.
type cdpClient struct {
	t      testing.TB
	ws     *websocket.Conn
	nextID int64
}

// cdpDial opens url as a DevTools client and fails the test if the upgrade
// is refused.
func cdpDial(t testing.TB, url string, header http.Header) *cdpClient {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(url, header)
	if err != nil {
		t.Fatalf("connect %s: %v (%s)", url, err, cdpBody(resp))
	}
	t.Cleanup(func() { ws.Close() })
	return &cdpClient{t: t, ws: ws}
}

// cdpRefusal dials url and returns the HTTP answer, failing the test if the
// upgrade succeeds.
func cdpRefusal(t testing.TB, url string, header http.Header) response {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(url, header)
	if err == nil {
		ws.Close()
		t.Fatalf("connect %s: the upgrade succeeded", url)
	}
	if resp == nil {
		t.Fatalf("connect %s: no HTTP answer: %v", url, err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: []byte(cdpBody(resp))}
}

func cdpBody(resp *http.Response) string {
	if resp == nil {
		return "no response"
	}
	raw, _ := io.ReadAll(resp.Body)
	return string(raw)
}

// cdpMessage is a DevTools message as a client reads it.
type cdpMessage struct {
	ID        int64
	SessionID string
	Method    string
	Params    json.RawMessage
	Result    json.RawMessage
	Error     *struct {
		Code    int
		Message string
	}
}

// call sends a command on session ("" for the browser) and returns its
// reply, skipping events; a protocol error fails the test.
func (c *cdpClient) call(session, method string, params any) json.RawMessage {
	c.t.Helper()
	msg := c.callRaw(session, method, params)
	if msg.Error != nil {
		c.t.Fatalf("%s: %s", method, msg.Error.Message)
	}
	return msg.Result
}

func (c *cdpClient) callRaw(session, method string, params any) cdpMessage {
	c.t.Helper()
	c.nextID++
	cmd := map[string]any{"id": c.nextID, "method": method}
	if session != "" {
		cmd["sessionId"] = session
	}
	if params != nil {
		cmd["params"] = params
	}
	if err := c.ws.WriteJSON(cmd); err != nil {
		c.t.Fatalf("send %s: %v", method, err)
	}
	return c.until(func(m cdpMessage) bool { return m.ID == c.nextID && m.Method == "" })
}

// until reads messages until one matches.
func (c *cdpClient) until(match func(cdpMessage) bool) cdpMessage {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		var m cdpMessage
		if err := c.ws.ReadJSON(&m); err != nil {
			c.t.Fatalf("read: %v", err)
		}
		if match(m) {
			return m
		}
	}
}

// closed reads until the server's close frame and returns it.
func (c *cdpClient) closed() *websocket.CloseError {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		_, _, err := c.ws.ReadMessage()
		if ce, ok := err.(*websocket.CloseError); ok {
			return ce
		}
		if err != nil {
			c.t.Fatalf("the connection ended without a close frame: %v", err)
		}
	}
}

// open opens a tab at url, waits until it has loaded and returns the
// session attached to it.
func (c *cdpClient) open(url string) (session string) {
	c.t.Helper()
	var created struct{ TargetID string }
	json.Unmarshal(c.call("", "Target.createTarget", map[string]any{"url": "about:blank"}), &created)
	var attached struct{ SessionID string }
	json.Unmarshal(c.call("", "Target.attachToTarget", map[string]any{"targetId": created.TargetID, "flatten": true}), &attached)
	c.call(attached.SessionID, "Page.navigate", map[string]any{"url": url})
	c.eval(attached.SessionID, `new Promise(r => document.readyState === 'complete' ? r() : addEventListener('load', r))`)
	return attached.SessionID
}

// pages lists the target ids of the browser's tabs.
func (c *cdpClient) pages() []string {
	c.t.Helper()
	var targets struct {
		TargetInfos []struct{ TargetID, Type string }
	}
	json.Unmarshal(c.call("", "Target.getTargets", nil), &targets)
	var ids []string
	for _, ti := range targets.TargetInfos {
		if ti.Type == "page" {
			ids = append(ids, ti.TargetID)
		}
	}
	return ids
}

// eval evaluates an expression on a tab's session and returns its value.
func (c *cdpClient) eval(session, expr string) json.RawMessage {
	c.t.Helper()
	var res struct {
		Result           struct{ Value json.RawMessage }
		ExceptionDetails any
	}
	json.Unmarshal(c.call(session, "Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true}), &res)
	if res.ExceptionDetails != nil {
		c.t.Fatalf("%s threw: %v", expr, res.ExceptionDetails)
	}
	return res.Result.Value
}

func TestConnectRefusesUnknownAndStoppedSessionsBeforeUpgrading(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{})
	do(t, "DELETE", s.Stop, nil)
	wsBase := "ws" + strings.TrimPrefix(srv.URL, "http")
	for _, url := range []string{wsBase + "/sessions/nosuchsession/connect", s.Connect} {
		r := cdpRefusal(t, url, nil)
		if e := decodeAs[errorJSON](t, r); r.Status != http.StatusNotFound || e.Error.Code != "session_not_found" || e.Error.Message == "" {
			t.Errorf("%s: %d %s; want 404 session_not_found", url, r.Status, r.Body)
		}
	}
	live := srv.create(t, map[string]any{})
	r := do(t, "GET", srv.URL+"/sessions/"+live.ID+"/connect", nil)
	if e := decodeAs[errorJSON](t, r); r.Status != http.StatusBadRequest || e.Error.Code != "invalid_request" {
		t.Errorf("GET without upgrade: %d %s; want 400 invalid_request", r.Status, r.Body)
	}
	if srv.svc.Pressure().LiveBrowsers != 0 {
		t.Error("a refused connect started a browser")
	}
}

func TestConnectNeedsTheToken(t *testing.T) {
	const token = "cdp-token"
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = token })
	r := do(t, "POST", srv.URL+"/session?token="+token, map[string]any{})
	s := decodeAs[sessionJSON](t, r)
	bare, _, _ := strings.Cut(s.Connect, "?")
	for _, url := range []string{bare, bare + "?token=wrong"} {
		r := cdpRefusal(t, url, nil)
		if e := decodeAs[errorJSON](t, r); r.Status != http.StatusUnauthorized || e.Error.Code != "unauthorized" {
			t.Errorf("%s: %d %s; want 401", url, r.Status, r.Body)
		}
	}
	cdpDial(t, s.Connect, nil).call("", "Browser.getVersion", nil)
	cdpDial(t, bare, http.Header{"Authorization": {"Bearer " + token}}).call("", "Browser.getVersion", nil)
}

// TestConnectBrowserListensOnNoPort checks that the only way to the
// session's browser is the server: Chromium runs on a pipe and none of its
// processes listens on TCP.
func TestConnectBrowserListensOnNoPort(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{})
	cdpDial(t, s.Connect, nil).call("", "Browser.getVersion", nil)
	procs := testutil.Processes("--user-data-dir=" + srv.dataDir)
	if len(procs) == 0 {
		t.Fatal("no browser process found")
	}
	listening := listeningInodes(t)
	for _, p := range procs {
		if strings.Contains(p, "--remote-debugging-port") || strings.Contains(p, "--remote-debugging-address") {
			t.Errorf("a browser process has a debugging port: %s", p)
		}
		pid := strings.Fields(p)[0]
		for _, inode := range socketInodes(pid) {
			if listening[inode] {
				t.Errorf("browser process %s listens on TCP (socket inode %s)", pid, inode)
			}
		}
	}
	if !strings.Contains(strings.Join(procs, "\n"), "--remote-debugging-pipe") {
		t.Error("the browser does not speak DevTools over a pipe")
	}
}

// listeningInodes are the socket inodes of every listening TCP socket.
func listeningInodes(t *testing.T) map[string]bool {
	t.Helper()
	found := map[string]bool{}
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(raw), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) > 9 && f[3] == "0A" { // TCP_LISTEN
				found[f[9]] = true
			}
		}
	}
	return found
}

// socketInodes lists the socket inodes a process holds open.
func socketInodes(pid string) []string {
	fds, _ := os.ReadDir("/proc/" + pid + "/fd")
	var out []string
	for _, fd := range fds {
		link, err := os.Readlink("/proc/" + pid + "/fd/" + fd.Name())
		if err == nil && strings.HasPrefix(link, "socket:[") {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]"))
		}
	}
	return out
}

func TestConnectStoppedSessionClosesItsClients(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{})
	clients := []*cdpClient{cdpDial(t, s.Connect, nil), cdpDial(t, s.Connect, nil)}
	for _, c := range clients {
		c.call("", "Browser.getVersion", nil)
	}
	if r := do(t, "DELETE", s.Stop, nil); r.Status != http.StatusNoContent {
		t.Fatalf("stop: %d %s", r.Status, r.Body)
	}
	for _, c := range clients {
		ce := c.closed()
		if ce.Code != websocket.CloseGoingAway || !strings.Contains(ce.Text, "stopped") {
			t.Errorf("close frame %d %q; want 1001 saying the session was stopped", ce.Code, ce.Text)
		}
	}
	checkGone(t, srv, s)
}

func TestConnectBrowserCloseEndsOnlyThatConnection(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{})
	other := cdpDial(t, s.Connect, nil)
	other.call("", "Browser.getVersion", nil)
	c := cdpDial(t, s.Connect, nil)
	pid := browserPid(t, srv.dataDir+"/profiles/"+s.ID)
	if res := c.call("", "Browser.close", nil); string(res) != "{}" {
		t.Errorf("Browser.close answered %s", res)
	}
	if ce := c.closed(); ce.Code != websocket.CloseNormalClosure || !strings.Contains(ce.Text, "session") {
		t.Errorf("close frame %d %q; want 1000 saying the session stays", ce.Code, ce.Text)
	}
	other.call("", "Browser.getVersion", nil)
	if got := decodeAs[sessionJSON](t, do(t, "GET", srv.URL+"/sessions/"+s.ID, nil)); got.Status != "live" {
		t.Errorf("status after Browser.close = %q, want live", got.Status)
	}
	cdpDial(t, s.Connect, nil).call("", "Browser.getVersion", nil)
	if again := browserPid(t, srv.dataDir+"/profiles/"+s.ID); again != pid {
		t.Errorf("the browser was replaced: pid %d, then %d", pid, again)
	}
}

// TestConnectWakesHibernatedSessions connects to a session that never ran,
// writes a cookie and localStorage, and reads them back over a new
// connection after a server restart, which leaves the session hibernated.
func TestConnectWakesHibernatedSessions(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{})
	if s.Status != "hibernated" {
		t.Fatalf("new session is %q", s.Status)
	}
	c := cdpDial(t, s.Connect, nil)
	tab := c.open(pages.URL + "/click.html")
	c.eval(tab, `document.cookie = 'cart=12; max-age=600'; localStorage.setItem('cart', '[1,2]')`)
	c.ws.Close()

	srv.restart(t)
	s = decodeAs[sessionJSON](t, do(t, "GET", srv.URL+"/sessions/"+s.ID, nil))
	if s.Status != "hibernated" {
		t.Fatalf("after restart the session is %q, want hibernated", s.Status)
	}
	c = cdpDial(t, s.Connect, nil)
	tab = c.open(pages.URL + "/click.html")
	if got := string(c.eval(tab, `document.cookie + ' ' + localStorage.getItem('cart')`)); got != `"cart=12 [1,2]"` {
		t.Errorf("after restart the page reads %s, want the cookie and the cart", got)
	}
}

// TestConnectClosingEveryTabKeepsBrowserQLWorking closes every tab, the
// engine's included, from a CDP client; the next BQL request still runs.
func TestConnectClosingEveryTabKeepsBrowserQLWorking(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	query := `mutation($u: String!) { goto(url: $u) { status } evaluate(content: "document.title") { value } }`
	vars := map[string]any{"u": pages.URL + "/click.html"}
	if st, res := bql(t, s.BrowserQL, query, vars); st != 200 || len(res.Errors) > 0 {
		t.Fatalf("before: %d %+v", st, res)
	}
	c := cdpDial(t, s.Connect, nil)
	for _, id := range c.pages() {
		c.call("", "Target.closeTarget", map[string]any{"targetId": id})
	}
	waitUntil(t, "every tab has closed", func() bool { return len(c.pages()) == 0 })
	st, res := bql(t, s.BrowserQL, query, vars)
	if st != 200 || len(res.Errors) > 0 || !strings.Contains(string(res.Data["goto"]), `"status":200`) {
		t.Errorf("after every tab was closed: %d %s %+v", st, res.Data, res.Errors)
	}
}

func TestConnectWithNoBrowserSlotAnswers429(t *testing.T) {
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.MaxBrowsers, c.Queue = 1, 0 })
	busy := srv.create(t, map[string]any{})
	cdpDial(t, busy.Connect, nil).call("", "Browser.getVersion", nil) // a connected client keeps its browser
	other := srv.create(t, map[string]any{})
	wantTooMany(t, cdpRefusal(t, other.Connect, nil), 1)
}

func TestConnectServerShutdownClosesClients(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{})
	c := cdpDial(t, s.Connect, nil)
	c.call("", "Browser.getVersion", nil)
	srv.stop()
	if ce := c.closed(); ce.Code != websocket.CloseGoingAway || ce.Text == "" {
		t.Errorf("close frame %d %q; want 1001 with a reason", ce.Code, ce.Text)
	}
}

func TestConnectRefusesPagesOfOtherSites(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{})
	r := cdpRefusal(t, s.Connect, http.Header{"Origin": {"http://evil.example"}})
	if e := decodeAs[errorJSON](t, r); r.Status != http.StatusForbidden || e.Error.Message == "" {
		t.Errorf("cross-site upgrade: %d %s; want 403 in the error shape", r.Status, r.Body)
	}
	cdpDial(t, s.Connect, http.Header{"Origin": {srv.URL}}).call("", "Browser.getVersion", nil)
}
