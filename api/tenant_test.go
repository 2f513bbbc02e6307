package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/sessionql/sessionql/sessions"
)

// doHeader sends a request with a JSON body (a string is sent as it is) and
// the given headers; Content-Type is application/json unless header says
// otherwise, and Host may be set as a header.
func doHeader(t testing.TB, method, u string, body any, header map[string]string) response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		switch {
		case k == "Host":
			req.Host = v
		case v == "":
			req.Header.Del(k)
		default:
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// credentialOf is the token a session URL carries.
func credentialOf(t testing.TB, u string) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return parsed.Query().Get("token")
}

// sendWith is do with a token in the Authorization header and more
// headers.
func sendWith(t testing.TB, method, u, bearer string, body any, header map[string]string) response {
	t.Helper()
	h := map[string]string{}
	if bearer != "" {
		h["Authorization"] = "Bearer " + bearer
	}
	for k, v := range header {
		h[k] = v
	}
	return doHeader(t, method, u, body, h)
}

// TestSessionCredential checks that the URLs of a session carry a
// credential that opens that session only: its REST object, BrowserQL,
// playground, connect and stop, and nothing else; that the server token
// still opens everything; and that rotation refuses the old credential.
func TestSessionCredential(t *testing.T) {
	const serverToken = "server-token"
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = serverToken })
	mine := decodeAs[sessionJSON](t, sendWith(t, "POST", srv.URL+"/session", serverToken, map[string]any{"stealth": true}, nil))
	other := decodeAs[sessionJSON](t, sendWith(t, "POST", srv.URL+"/session", serverToken, map[string]any{"stealth": true}, nil))
	cred := credentialOf(t, mine.BrowserQL)
	if cred == "" || cred == serverToken || !strings.HasPrefix(cred, "sq_s_") {
		t.Fatalf("the browserQL URL carries %q; want a session credential", cred)
	}
	for _, u := range []string{mine.Connect, mine.Stop} {
		if credentialOf(t, u) != cred {
			t.Errorf("%s does not carry the session's credential", u)
		}
	}
	base, otherBase := srv.URL+"/sessions/"+mine.ID, srv.URL+"/sessions/"+other.ID
	html := map[string]string{"Accept": "text/html"}
	for _, c := range []struct {
		name, method, url string
		body              any
		header            map[string]string
		status            int
	}{
		{"get own", "GET", base, nil, nil, 200},
		{"bql own", "POST", base + "/bql", map[string]any{"query": "mutation { url { url } }"}, nil, 200},
		{"playground own", "GET", base + "/bql", nil, html, 200},
		{"patch own", "PATCH", base, map[string]any{"userMetadata": map[string]any{"a": "b"}}, nil, 200},
		{"list", "GET", srv.URL + "/sessions", nil, nil, 401},
		{"create", "POST", srv.URL + "/session", map[string]any{}, nil, 401},
		{"create alias", "POST", srv.URL + "/sessions", map[string]any{}, nil, 401},
		{"metrics", "GET", srv.URL + "/metrics", nil, nil, 401},
		{"pressure", "GET", srv.URL + "/pressure", nil, nil, 401},
		{"healthz", "GET", srv.URL + "/healthz", nil, nil, 200},
		{"get other", "GET", otherBase, nil, nil, 401},
		{"bql other", "POST", otherBase + "/bql", map[string]any{"query": "mutation { url { url } }"}, nil, 401},
		{"playground other", "GET", otherBase + "/bql", nil, html, 401},
		{"patch other", "PATCH", otherBase, map[string]any{"ttl": 1000}, nil, 401},
		{"stop other", "DELETE", otherBase, nil, nil, 401},
		{"connect other", "GET", otherBase + "/connect", nil, nil, 401},
		{"unknown session", "GET", srv.URL + "/sessions/nosuchsession", nil, nil, 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, how := range []string{"query", "bearer"} {
				var r response
				if how == "query" {
					r = sendWith(t, c.method, c.url+"?token="+url.QueryEscape(cred), "", c.body, c.header)
				} else {
					r = sendWith(t, c.method, c.url, cred, c.body, c.header)
				}
				if r.Status != c.status {
					t.Errorf("%s: %d %s; want %d", how, r.Status, r.Body, c.status)
				}
				if c.status == 401 && decodeAs[errorJSON](t, r).Error.Code != "unauthorized" {
					t.Errorf("%s: %s; want unauthorized", how, r.Body)
				}
			}
		})
	}
	cdpDial(t, mine.Connect, nil).call("", "Browser.getVersion", nil)
	if refused := cdpRefusal(t, "ws"+strings.TrimPrefix(otherBase, "http")+"/connect?token="+url.QueryEscape(cred), nil); refused.Status != 401 {
		t.Errorf("connect to another session with this credential: %d %s", refused.Status, refused.Body)
	}
	if list, _, _ := srv.svc.List(sessions.Filter{Limit: 100}); len(list) != 2 {
		t.Errorf("%d sessions after the refused creates; want 2", len(list))
	}
	if r := sendWith(t, "GET", otherBase, serverToken, nil, nil); r.Status != 200 {
		t.Errorf("the server token on another session: %d", r.Status)
	}
	if r := do(t, "DELETE", mine.Stop, nil); r.Status != 204 {
		t.Errorf("the stop URL as given: %d %s", r.Status, r.Body)
	}
}

// TestRotateToken checks that PATCH rotateToken refuses the old credential
// everywhere it opened, ends a CDP client connected with it, answers new
// URLs that work, and leaves the server token (and its clients) working; a
// credential whose generation was changed by hand is refused.
func TestRotateToken(t *testing.T) {
	const serverToken = "server-token"
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = serverToken })
	s := decodeAs[sessionJSON](t, sendWith(t, "POST", srv.URL+"/session", serverToken, map[string]any{"stealth": true}, nil))
	old := credentialOf(t, s.Stop)
	leaked, admin := cdpDial(t, s.Connect, nil), cdpDial(t, strings.Split(s.Connect, "?")[0], http.Header{"Authorization": {"Bearer " + serverToken}})
	leaked.call("", "Browser.getVersion", nil)
	r := do(t, "PATCH", s.Stop, map[string]any{"rotateToken": true})
	if r.Status != 200 {
		t.Fatalf("rotate: %d %s", r.Status, r.Body)
	}
	rotated := decodeAs[sessionJSON](t, r)
	fresh := credentialOf(t, rotated.Stop)
	if fresh == old || credentialOf(t, rotated.BrowserQL) != fresh || credentialOf(t, rotated.Connect) != fresh {
		t.Fatalf("rotation answered %+v", rotated)
	}
	if r := do(t, "POST", s.BrowserQL, map[string]any{"query": "mutation { url { url } }"}); r.Status != 401 {
		t.Errorf("old credential on BrowserQL: %d %s", r.Status, r.Body)
	}
	if r := do(t, "GET", s.Stop, nil); r.Status != 401 {
		t.Errorf("old credential on GET: %d", r.Status)
	}
	if refused := cdpRefusal(t, s.Connect, nil); refused.Status != 401 {
		t.Errorf("old credential on connect: %d", refused.Status)
	}
	if ce := leaked.closed(); ce.Code != websocket.ClosePolicyViolation || !strings.Contains(ce.Text, "rotated") {
		t.Errorf("a client connected with the old credential got %v; want it ended", ce)
	}
	admin.call("", "Browser.getVersion", nil)
	if r := do(t, "GET", rotated.Stop, nil); r.Status != 200 {
		t.Errorf("new credential: %d %s", r.Status, r.Body)
	}
	if r := sendWith(t, "GET", srv.URL+"/sessions/"+s.ID, serverToken, nil, nil); r.Status != 200 {
		t.Errorf("server token after rotation: %d", r.Status)
	}
	forged := strings.Replace(old, "sq_s_0_", "sq_s_1_", 1)
	if r := sendWith(t, "GET", srv.URL+"/sessions/"+s.ID, forged, nil, nil); r.Status != 401 {
		t.Errorf("a credential with its generation changed by hand: %d", r.Status)
	}
	if r := sendWith(t, "GET", srv.URL+"/sessions/"+s.ID, serverToken, nil, nil); decodeAs[sessionJSON](t, r).Stop != rotated.Stop {
		t.Errorf("GET after rotation does not give the new URLs")
	}
}
