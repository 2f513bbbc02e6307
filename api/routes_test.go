package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestRoutesAnswerInTheErrorShape checks what a client gets on a path or a
// method the API does not have: 404 not_found, 405 method_not_allowed with
// Allow, and OPTIONS 204 with Allow; and the probes, which answer without
// the token and say nothing else.
func TestRoutesAnswerInTheErrorShape(t *testing.T) {
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = "tok" })
	for _, c := range []struct {
		name, method, path string
		status             int
		code, allow        string
	}{
		{"unknown path", "GET", "/nowhere", 404, "not_found", ""},
		{"unknown path with token", "GET", "/nowhere?token=tok", 404, "not_found", ""},
		{"unknown method", "PUT", "/session?token=tok", 405, "method_not_allowed", "POST, OPTIONS"},
		{"options", "OPTIONS", "/sessions", 204, "", "GET, POST, OPTIONS"},
		{"options on a session", "OPTIONS", "/sessions/x?token=tok", 204, "", "GET, PATCH, DELETE, OPTIONS"},
		{"options on a probe", "OPTIONS", "/healthz", 204, "", "GET, HEAD, OPTIONS"},
		{"options nowhere", "OPTIONS", "/nowhere", 404, "not_found", ""},
		{"healthz", "GET", "/healthz", 200, "", ""},
		{"healthz head", "HEAD", "/healthz", 200, "", ""},
		{"readyz", "GET", "/readyz", 200, "", ""},
		{"readyz head", "HEAD", "/readyz", 200, "", ""},
		{"openapi", "GET", "/openapi.json", 200, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, c.method, srv.URL+c.path, nil)
			if r.Status != c.status {
				t.Fatalf("%s %s: %d %s, want %d", c.method, c.path, r.Status, r.Body, c.status)
			}
			if c.code != "" {
				if e := decodeAs[errorJSON](t, r); e.Error.Code != c.code || e.Error.Message == "" {
					t.Errorf("%s %s: %s, want code %s", c.method, c.path, r.Body, c.code)
				}
			}
			if got := r.Header.Get("Allow"); got != c.allow {
				t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
			}
			if c.status == http.StatusOK && c.path == "/healthz" && c.method == "GET" && string(r.Body) != "{\"ok\":true}\n" {
				t.Errorf("healthz tells more than it is alive: %s", r.Body)
			}
		})
	}
}

// TestReadyzRevealsNothingWithoutToken makes the server unready (its
// browser binary is not there): a probe without token learns the code
// only, a caller with the server token learns why.
func TestReadyzRevealsNothingWithoutToken(t *testing.T) {
	const missing = "/nonexistent/chromium"
	srv := newServer(t, func(c *sessionsConfig, a *Config) { c.ChromePath, a.Token = missing, "tok" })
	for _, c := range []struct {
		method, query string
		says          bool
	}{{"GET", "", false}, {"HEAD", "", false}, {"GET", "?token=tok", true}} {
		r := do(t, c.method, srv.URL+"/readyz"+c.query, nil)
		if r.Status != http.StatusServiceUnavailable {
			t.Fatalf("%s /readyz%s with no browser: %d %s", c.method, c.query, r.Status, r.Body)
		}
		if c.method == "HEAD" {
			continue
		}
		e := decodeAs[errorJSON](t, r)
		if e.Error.Code != "browser_unavailable" || strings.Contains(e.Error.Message, missing) != c.says {
			t.Errorf("/readyz%s: %s; want browser_unavailable, naming the path: %v", c.query, r.Body, c.says)
		}
	}
}
