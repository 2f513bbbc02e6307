package api

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

const setDarkMode = `
mutation SetDarkMode($docs: String!) {
  goto(url: $docs, waitUntil: networkIdle) { status }
  click(selector: "div.toggle_vylO.colorModeToggle_x44X > button") { time }
}
mutation ReadTheme($docs: String!) {
  goto(url: $docs) { status url }
  theme: evaluate(content: "return localStorage.getItem('theme');") { value }
}`

// runOp posts one operation of setDarkMode by name.
func runOp(t *testing.T, endpoint, op, docs string) bqlResult {
	t.Helper()
	r := do(t, "POST", endpoint, map[string]any{"query": setDarkMode, "operationName": op, "variables": map[string]any{"docs": docs}})
	if r.Status != http.StatusOK {
		t.Fatalf("%s: status %d: %s", op, r.Status, r.Body)
	}
	res := decodeAs[bqlResult](t, r)
	if len(res.Errors) > 0 {
		t.Fatalf("%s: errors %+v", op, res.Errors)
	}
	return res
}

func theme(t *testing.T, res bqlResult) string {
	t.Helper()
	var v struct{ Value string }
	if err := jsonUnmarshal(res.Data["theme"], &v); err != nil {
		t.Fatal(err)
	}
	return v.Value
}

// TestJourney is the user journey of the README: create, toggle, read back,
// restart the server, read back again, stop.
func TestJourney(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"ttl": 300000, "stealth": true})
	checkSessionObject(t, srv, s)
	docs := pages.URL + "/docs"

	runOp(t, s.BrowserQL, "SetDarkMode", docs)
	if got := theme(t, runOp(t, s.BrowserQL, "ReadTheme", docs)); got != "dark" {
		t.Fatalf("theme = %q, want dark", got)
	}
	if got := decodeAs[sessionJSON](t, do(t, "GET", srv.URL+"/sessions/"+s.ID, nil)); got.Status != "live" {
		t.Errorf("status after use = %q, want live", got.Status)
	}

	srv.restart(t)
	s2 := decodeAs[sessionJSON](t, do(t, "GET", srv.URL+"/sessions/"+s.ID, nil))
	if s2.Status != "hibernated" || s2.ExpiresAt != s.ExpiresAt {
		t.Errorf("after restart: %+v; want the same session, hibernated", s2)
	}
	if got := theme(t, runOp(t, s2.BrowserQL, "ReadTheme", docs)); got != "dark" {
		t.Fatalf("theme after restart = %q, want dark", got)
	}

	list := decodeAs[struct{ Sessions []sessionJSON }](t, do(t, "GET", srv.URL+"/sessions", nil))
	if len(list.Sessions) != 1 || list.Sessions[0].ID != s.ID {
		t.Errorf("list = %+v", list.Sessions)
	}
	stopAndCheckGone(t, srv, s2)
}

func checkSessionObject(t *testing.T, srv *server, s sessionJSON) {
	t.Helper()
	host := strings.TrimPrefix(srv.URL, "http://")
	want := map[string]string{
		"connect":   "ws://" + host + "/sessions/" + s.ID + "/connect",
		"browserQL": "http://" + host + "/sessions/" + s.ID + "/bql",
		"stop":      "http://" + host + "/sessions/" + s.ID,
	}
	got := map[string]string{"connect": s.Connect, "browserQL": s.BrowserQL, "stop": s.Stop}
	for k := range want {
		if got[k] != want[k] {
			t.Errorf("%s = %q, want %q", k, got[k], want[k])
		}
	}
	created, err1 := time.Parse(time.RFC3339, s.CreatedAt)
	expires, err2 := time.Parse(time.RFC3339, s.ExpiresAt)
	if len(s.ID) < 20 || s.TTL != 300000 || !s.Stealth || !s.Headless || s.Browser != "chromium" || s.Args == nil ||
		err1 != nil || err2 != nil || expires.Sub(created) != 5*time.Minute || s.Status != "hibernated" {
		t.Errorf("session object = %+v", s)
	}
}

// stopAndCheckGone stops a session and checks that nothing of it is left.
func stopAndCheckGone(t *testing.T, srv *server, s sessionJSON) {
	t.Helper()
	if r := do(t, "DELETE", s.Stop, nil); r.Status != http.StatusNoContent {
		t.Fatalf("stop: status %d %s", r.Status, r.Body)
	}
	checkGone(t, srv, s)
}

func checkGone(t *testing.T, srv *server, s sessionJSON) {
	t.Helper()
	for _, r := range []response{do(t, "GET", srv.URL+"/sessions/"+s.ID, nil), do(t, "POST", s.BrowserQL, `{"query":"mutation { title { title } }"}`), do(t, "DELETE", s.Stop, nil)} {
		if e := decodeAs[errorJSON](t, r); r.Status != http.StatusNotFound || e.Error.Code != "session_not_found" {
			t.Errorf("after stop: status %d %s; want 404 session_not_found", r.Status, r.Body)
		}
	}
	profile := filepath.Join(srv.dataDir, "profiles", s.ID)
	if exists(profile) {
		t.Errorf("the profile %s is still there", profile)
	}
	testutil.NoProcessesLeft(t, profile)
}

func TestOperationNameAliasesAndVariables(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	status, res := bql(t, s.BrowserQL, `query Version { version }
		mutation Run($expr: String!) {
			first: evaluate(content: $expr) { value }
			second: evaluate(content: "return 'b';") { value }
			goto(url: "`+pages.URL+`/click.html", waitUntil: domContentLoaded) { status }
		}`, map[string]any{"expr": "'a'"})
	if status != 400 {
		t.Errorf("two operations without operationName: status %d, want 400", status)
	}
	r := do(t, "POST", s.BrowserQL, map[string]any{"operationName": "Run", "variables": map[string]any{"expr": "'a'"}, "query": `mutation Run($expr: String!) {
			first: evaluate(content: $expr) { value }
			second: evaluate(content: "return 'b';") { value }
		}`})
	res = decodeAs[bqlResult](t, r)
	if r.Status != 200 || string(res.Data["first"]) != `{"value":"a"}` || string(res.Data["second"]) != `{"value":"b"}` {
		t.Errorf("status %d, data %s", r.Status, r.Body)
	}
}

// TestStealthGate checks that a non-stealth session refuses BrowserQL before
// the query is even read.
func TestStealthGate(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{})
	if s.BrowserQL == "" || s.Stealth {
		t.Fatalf("session %+v", s)
	}
	for _, body := range []string{`{"query":"mutation { title { title } }"}`, `this is not json`, ``} {
		r := do(t, "POST", s.BrowserQL, body)
		if e := decodeAs[errorJSON](t, r); r.Status != 400 || e.Error.Code != "stealth_required" {
			t.Errorf("body %q: status %d %s; want 400 stealth_required", body, r.Status, r.Body)
		}
	}
	if srv.svc.Pressure().LiveBrowsers != 0 {
		t.Error("the stealth gate started a browser")
	}
}

func TestAuth(t *testing.T) {
	const token = "s3cret/+token"
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = token })
	q := "?token=" + url.QueryEscape(token)
	r := do(t, "POST", srv.URL+"/session"+q, map[string]any{"stealth": true})
	if r.Status != 201 {
		t.Fatalf("create with token: %d %s", r.Status, r.Body)
	}
	s := decodeAs[sessionJSON](t, r)
	for _, u := range []string{s.Connect, s.BrowserQL, s.Stop} {
		if strings.Contains(u, q) || !strings.Contains(u, "?token=sq_s_") {
			t.Errorf("%s should embed the session's credential, not the server token", u)
		}
	}
	base := srv.URL + "/sessions/" + s.ID
	for _, c := range []struct{ method, url string }{
		{"GET", srv.URL + "/pressure"}, {"GET", srv.URL + "/metrics"},
		{"POST", srv.URL + "/session"}, {"POST", srv.URL + "/sessions"}, {"GET", srv.URL + "/sessions"},
		{"GET", base}, {"PATCH", base}, {"DELETE", base}, {"POST", base + "/bql"}, {"GET", base + "/bql"},
		{"GET", base + "/connect"}, {"GET", base + "?token=wrong"},
	} {
		r := do(t, c.method, c.url, `{}`)
		if e := decodeAs[errorJSON](t, r); r.Status != 401 || e.Error.Code != "unauthorized" {
			t.Errorf("%s %s without token: %d %s", c.method, c.url, r.Status, r.Body)
		}
	}
	req, _ := http.NewRequest("GET", base, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("bearer token: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if r := do(t, "GET", s.Stop, nil); r.Status != 200 {
		t.Errorf("the stop URL as given (GET): %d", r.Status)
	}
}

// TestExpiry checks that a session whose TTL ran out behaves as stopped
// within a second: its browser ended, its profile gone, 404 everywhere. The
// session is used first, so its browser is live, then given a short TTL.
func TestExpiry(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	runOp(t, s.BrowserQL, "SetDarkMode", pages.URL+"/docs")
	r := do(t, "PATCH", s.Stop, map[string]any{"ttl": 1000})
	if r.Status != http.StatusOK {
		t.Fatalf("PATCH ttl: %d %s", r.Status, r.Body)
	}
	patched := decodeAs[sessionJSON](t, r)
	if patched.Status != "live" {
		t.Fatalf("the session should be live before it expires: %+v", patched)
	}
	expires, _ := time.Parse(time.RFC3339, patched.ExpiresAt)
	time.Sleep(time.Until(expires.Add(time.Second)))
	checkGone(t, srv, s)
}

// TestReconnectGivesTheSessionsOwnURLs checks that reconnect answers the
// URLs the REST API gave for the session, token included.
func TestReconnectGivesTheSessionsOwnURLs(t *testing.T) {
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = "tok" })
	s := decodeAs[sessionJSON](t, do(t, "POST", srv.URL+"/session?token=tok", map[string]any{"stealth": true}))
	status, res := bql(t, s.BrowserQL, `mutation { reconnect { browserQLEndpoint browserWSEndpoint } }`, nil)
	var got struct{ BrowserQLEndpoint, BrowserWSEndpoint string }
	if err := jsonUnmarshal(res.Data["reconnect"], &got); status != 200 || err != nil {
		t.Fatalf("%d %+v %v", status, res, err)
	}
	if got.BrowserQLEndpoint != s.BrowserQL || got.BrowserWSEndpoint != s.Connect {
		t.Errorf("reconnect = %+v; want %s and %s", got, s.BrowserQL, s.Connect)
	}
}

// TestSessionViewport creates sessions with the default and a chosen
// viewport: pages see exactly its width, height and scale factor, on the
// smallest common screen whose available area holds the window (the
// viewport plus the browser's chrome; see stealth.DesktopFor).
func TestSessionViewport(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t)
	size := `evaluate(content: "[innerWidth, innerHeight, devicePixelRatio, screen.width, screen.height].join(' ')") { value }`
	for _, c := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"stealth default", map[string]any{"stealth": true}, "1920 1080 1 2560 1440"},
		{"chosen", map[string]any{"stealth": true, "viewport": map[string]any{"width": 1024, "height": 700, "deviceScaleFactor": 2}}, "1024 700 2 1440 900"},
	} {
		s := srv.create(t, c.body)
		_, res := bql(t, s.BrowserQL, `mutation { goto(url: "`+pages.URL+`/list.html") { status } `+size+` }`, nil)
		var got struct{ Value string }
		jsonUnmarshal(res.Data["evaluate"], &got)
		if got.Value != c.want {
			t.Errorf("%s: the page sees %q, want %q (%v)", c.name, got.Value, c.want, res.Errors)
		}
	}
}
