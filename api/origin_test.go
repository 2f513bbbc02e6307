package api

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/sessions"
)

// TestHostsAndOrigins checks that only expected Host names, origins and
// content types reach the API, table-driven per server configuration. The
// refusals would all have passed before: a rebound name, a page of another
// site, and a cross-site form post with text/plain.
func TestHostsAndOrigins(t *testing.T) {
	open := newServer(t)
	withToken := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = "tok" })
	public := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = "tok"; a.PublicURL = "https://sq.example.test" })
	port := open.Listener.Addr().(*net.TCPAddr).Port
	json := "application/json"
	s := open.create(t, map[string]any{"stealth": true})
	one := "/sessions/" + s.ID
	for _, c := range []struct {
		name         string
		srv          *server
		method, path string
		host, origin string
		contentType  string
		status       int
		code         string
	}{
		{"loopback name", open, "GET", "/sessions", fmt.Sprintf("localhost:%d", port), "", "", 200, ""},
		{"loopback ip", open, "GET", "/sessions", fmt.Sprintf("127.0.0.1:%d", port), "", "", 200, ""},
		{"loopback v6", open, "GET", "/sessions", fmt.Sprintf("[::1]:%d", port), "", "", 200, ""},
		{"rebound name without token", open, "GET", "/sessions", "evil.example", "", "", 421, "invalid_host"},
		{"rebound name on create", open, "POST", "/session", "evil.example:80", "", json, 421, "invalid_host"},
		{"any name with token", withToken, "GET", "/sessions?token=tok", "sq.other.test", "", "", 200, ""},
		{"public url name", public, "GET", "/sessions?token=tok", "SQ.example.test", "", "", 200, ""},
		{"other name than public url", public, "GET", "/sessions?token=tok", "evil.example", "", "", 421, "invalid_host"},
		{"healthz on any name", public, "GET", "/healthz?token=tok", "10.1.2.3:3000", "", "", 200, ""},
		{"cross-site form post", open, "POST", "/session", "", "http://evil.example", "text/plain", 403, "forbidden_origin"},
		{"cross-site json post", open, "POST", "/session", "", "http://evil.example", json, 403, "forbidden_origin"},
		{"cross-site get", open, "GET", "/sessions", "", "http://evil.example", "", 403, "forbidden_origin"},
		{"null origin", open, "GET", "/sessions", "", "null", "", 403, "forbidden_origin"},
		{"other port of localhost", open, "GET", "/sessions", "", "http://localhost:1", "", 403, "forbidden_origin"},
		{"same origin", open, "POST", "/session", "", open.URL, json, 201, ""},
		{"public url origin", public, "GET", "/sessions?token=tok", "", "https://sq.example.test", "", 200, ""},
		{"text/plain", open, "POST", "/session", "", "", "text/plain;charset=UTF-8", 415, "unsupported_media_type"},
		{"form", open, "POST", "/session", "", "", "application/x-www-form-urlencoded", 415, "unsupported_media_type"},
		{"multipart", open, "POST", "/session", "", "", "multipart/form-data; boundary=x", 415, "unsupported_media_type"},
		{"patch as text", open, "PATCH", one, "", "", "text/plain", 415, "unsupported_media_type"},
		{"bql as form", open, "POST", one + "/bql", "", "", "application/x-www-form-urlencoded", 415, "unsupported_media_type"},
		{"bql from another site", open, "POST", one + "/bql", "", "http://evil.example", json, 403, "forbidden_origin"},
		{"no content type", open, "POST", "/session", "", "", "", 201, ""},
		{"json with charset", open, "POST", "/session", "", "", "application/json; charset=utf-8", 201, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, _, _ := c.srv.svc.List(sessions.Filter{Limit: 1000})
			body := any(nil)
			if c.method == "POST" {
				body = `{}`
			}
			r := doHeader(t, c.method, c.srv.URL+c.path, body, map[string]string{"Host": c.host, "Origin": c.origin, "Content-Type": c.contentType})
			if r.Status != c.status {
				t.Fatalf("%d %s; want %d", r.Status, r.Body, c.status)
			}
			if c.code != "" {
				e := decodeAs[errorJSON](t, r)
				if e.Error.Code != c.code || e.Error.Message == "" {
					t.Errorf("%s; want %s", r.Body, c.code)
				}
				if after, _, _ := c.srv.svc.List(sessions.Filter{Limit: 1000}); len(after) != len(before) {
					t.Errorf("a refused request created a session")
				}
			}
		})
	}
	refused := cdpRefusal(t, s.Connect, http.Header{"Origin": {"http://evil.example"}})
	if e := decodeAs[errorJSON](t, refused); refused.Status != 403 || e.Error.Code != "forbidden_origin" {
		t.Errorf("WebSocket upgrade from another site: %d %s", refused.Status, refused.Body)
	}
	if open.svc.Pressure().LiveBrowsers != 0 {
		t.Error("a refused upgrade started a browser")
	}
}

// TestCORSOrigins checks that an origin in CORS_ORIGINS gets CORS answers,
// preflight included and before auth (preflights carry no token), and may
// open the WebSocket; others get none.
func TestCORSOrigins(t *testing.T) {
	const app = "http://app.example"
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = "tok"; a.CORSOrigins = []string{app} })
	pre := doHeader(t, "OPTIONS", srv.URL+"/session", nil, map[string]string{
		"Origin": app, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type", "Content-Type": "",
	})
	if pre.Status/100 != 2 || pre.Header.Get("Access-Control-Allow-Origin") != app || !strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight: %d %v", pre.Status, pre.Header)
	}
	r := doHeader(t, "POST", srv.URL+"/session", map[string]any{}, map[string]string{"Origin": app, "Authorization": "Bearer tok"})
	if r.Status != 201 || r.Header.Get("Access-Control-Allow-Origin") != app {
		t.Fatalf("request from %s: %d %v %s", app, r.Status, r.Header, r.Body)
	}
	other := doHeader(t, "OPTIONS", srv.URL+"/session", nil, map[string]string{"Origin": "http://other.example", "Access-Control-Request-Method": "POST"})
	if other.Status != 403 || other.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from an unlisted origin: %d %v", other.Status, other.Header)
	}
	s := decodeAs[sessionJSON](t, r)
	cdpDial(t, s.Connect, http.Header{"Origin": {app}}).call("", "Browser.getVersion", nil)
}

// TestMetricsSeriesStayFew sends requests with made-up methods and paths,
// with and without the token: the request metric keeps a handful of
// series (it had one per method before).
func TestMetricsSeriesStayFew(t *testing.T) {
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = "tok" })
	client := &http.Client{}
	for i := range 400 {
		method := fmt.Sprintf("X%dY", rand.IntN(1<<30))
		if i%3 == 0 {
			method = "GET"
		}
		path := fmt.Sprintf("/%x/%x", rand.Int64(), i)
		if i%2 == 0 {
			path = fmt.Sprintf("/sessions/%x", rand.Int64())
		}
		if i%5 == 0 {
			path += "?token=tok"
		}
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	r := do(t, "GET", srv.URL+"/metrics?token=tok", nil)
	series := 0
	for _, line := range strings.Split(string(r.Body), "\n") {
		if strings.HasPrefix(line, "sessionql_http_request_duration_seconds_count{") {
			series++
		}
	}
	if series == 0 || series > 12 {
		t.Errorf("%d request series after 400 made-up requests; want a few:\n%s", series, r.Body)
	}
}

// TestSlowBody checks that a client trickling a body is cut off, while a
// BrowserQL request that runs longer than the body deadline still answers.
func TestSlowBody(t *testing.T) {
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.BodyTimeout = time.Second })
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the trickling client was not answered within 20 s: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("the trickling client got %d; want 408", resp.StatusCode)
	}

	s := srv.create(t, map[string]any{"stealth": true})
	status, res := bql(t, s.BrowserQL, `mutation { waitForTimeout(time: 3000) { time } }`, nil)
	if status != 200 || len(res.Errors) > 0 || res.Data["waitForTimeout"] == nil {
		t.Errorf("a 3 s request with a 1 s body deadline: %d %+v", status, res)
	}
}
