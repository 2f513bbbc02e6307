package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestCreateRejectsBadInput sends a bad value for every create field and
// checks the answer: 400 in the SPEC's shape, with a message that names the
// problem, and no session created.
func TestCreateRejectsBadInput(t *testing.T) {
	srv := newServer(t)
	long := strings.Repeat("x", 600)
	cases := []struct{ body, mentions string }{
		{`not json`, "not valid JSON"},
		{``, "empty"},
		{`[]`, "object"},
		{`{"ttl": 1000} {"ttl": 2}`, "exactly one"},
		{`{"ttll": 1000}`, `"ttll"`},
		{`{"ttl": "1000"}`, "ttl must be a number"},
		{`{"ttl": 0}`, "ttl"},
		{`{"ttl": -5}`, "ttl"},
		{`{"ttl": 1e20}`, "max TTL"},
		{`{"stealth": "yes"}`, "stealth must be true or false"},
		{`{"headless": 1}`, "headless"},
		{`{"headless": false}`, "display"},
		{`{"browser": "firefox"}`, "browser"},
		{`{"browser": "chrome"}`, "not installed"},
		{`{"blockAds": null, "args": "--lang=de"}`, "args must be a list"},
		{`{"args": ["lang=de"]}`, "start with --"},
		{`{"args": ["--remote-debugging-port=9222"]}`, "refused"},
		{`{"args": ["--remote-debugging-address=0.0.0.0"]}`, "refused"},
		{`{"args": ["--user-data-dir=/etc"]}`, "refused"},
		{`{"args": ["--renderer-cmd-prefix=sh -c"]}`, "refused"},
		{`{"args": ["--disable-web-security"]}`, "refused"},
		{`{"args": [5]}`, "args"},
		{`{"proxy": "http://p:1"}`, "proxy must be an object"},
		{`{"proxy": {"server": "p:1"}}`, "proxy.server"},
		{`{"proxy": {"server": "ftp://p:21"}}`, "proxy.server"},
		{`{"proxy": {"server": "http://p"}}`, "proxy.server"},
		{`{"proxy": {"server": "http://p:1", "bypass": ["a;b"]}}`, "bypass"},
		{`{"proxy": {"server": "http://p:1", "pass": "x"}}`, `"pass"`},
		{`{"userMetadata": [1]}`, "userMetadata must be a JSON object"},
		{`{"userMetadata": "x"}`, "userMetadata must be a JSON object"},
		{`{"userMetadata": {"a": "` + long + `"}}`, "512"},
		{`{"viewport": {"width": 10, "height": 10}}`, "viewport"},
		{`{"viewport": {"width": 1280}}`, "viewport"},
		{`{"viewport": {"width": 1280, "height": 720, "deviceScaleFactor": 9}}`, "deviceScaleFactor"},
		{`{"viewport": {"width": 1280, "height": 720, "depth": 2}}`, `"depth"`},
		{`{"userAgent": "a\nb"}`, "userAgent"},
		{`{"timezone": "Mars/Olympus"}`, "timezone"},
		{`{"timezone": "Local"}`, "timezone"},
		{`{"locale": "not a locale!"}`, "locale"},
		{`{"startUrl": "javascript:alert(1)"}`, "startUrl"},
		{`{"startUrl": "/relative"}`, "startUrl"},
		{`null`, "not null"},
		{`{"ttl": 300}`, "ttl is in milliseconds and must be at least 1000"},
		{`{"ttl": 999.5}`, "for 999.5 seconds, send 999500"},
	}
	for _, c := range cases {
		r := do(t, "POST", srv.URL+"/session", c.body)
		e := decodeAs[errorJSON](t, r)
		if r.Status != http.StatusBadRequest || e.Error.Code != "invalid_request" || !strings.Contains(e.Error.Message, c.mentions) {
			t.Errorf("%s: %d %s; want 400 invalid_request mentioning %q", c.body, r.Status, r.Body, c.mentions)
		}
	}
	if n := srv.svc.Pressure().Sessions; n != 0 {
		t.Errorf("%d sessions were created from bad input", n)
	}
}

// TestCreateRejectsQueryOptions sends options as query parameters, as
// Browserless's connect URLs carry them: POST /session takes them in the
// body only, and says so instead of ignoring them.
func TestCreateRejectsQueryOptions(t *testing.T) {
	srv := newServer(t)
	r := do(t, "POST", srv.URL+"/session?stealth=true&blockAds=true", `{}`)
	e := decodeAs[errorJSON](t, r)
	if r.Status != http.StatusBadRequest || e.Error.Code != "invalid_request" || !strings.Contains(e.Error.Message, "blockAds, stealth") {
		t.Errorf("POST /session?stealth=true&blockAds=true: %d %s", r.Status, r.Body)
	}
	if n := srv.svc.Pressure().Sessions; n != 0 {
		t.Errorf("%d sessions were created", n)
	}
}

func TestCreateAcceptsEveryField(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{
		"ttl": 60000, "stealth": true, "headless": true, "browser": "chromium", "blockAds": true,
		"args": []string{"--lang=de-DE"}, "proxy": map[string]any{"server": "http://127.0.0.1:9", "username": "u", "password": "secret", "bypass": []string{"<-loopback>"}},
		"userMetadata": map[string]any{"order": map[string]any{"status": "shipped"}}, "viewport": map[string]any{"width": 800, "height": 600},
		"userAgent": "Mozilla/5.0 test", "timezone": "Europe/Berlin", "locale": "de-DE", "startUrl": "http://127.0.0.1:9/",
	})
	if s.Proxy["server"] != "http://127.0.0.1:9" || s.Proxy["password"] != nil || !s.BlockAds || s.TTL != 60000 {
		t.Errorf("session %+v; the proxy password must never be echoed", s)
	}
	raw := do(t, "GET", s.Stop, nil)
	if strings.Contains(string(raw.Body), "secret") {
		t.Errorf("GET echoes the proxy password: %s", raw.Body)
	}
}

func TestPatchAndListRejectBadInput(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{"userMetadata": map[string]any{"a": "b"}})
	for _, c := range []struct{ body, mentions string }{
		{`{}`, "ttl, userMetadata and/or rotateToken"},
		{`{"ttl": -1}`, "ttl"},
		{`{"ttl": "soon"}`, "ttl must be a number"},
		{`{"metadata": {}}`, `"metadata"`},
		{`{"userMetadata": 7}`, "userMetadata"},
	} {
		r := do(t, "PATCH", s.Stop, c.body)
		if e := decodeAs[errorJSON](t, r); r.Status != 400 || !strings.Contains(e.Error.Message, c.mentions) {
			t.Errorf("PATCH %s: %d %s", c.body, r.Status, r.Body)
		}
	}
	after := decodeAs[sessionJSON](t, do(t, "GET", s.Stop, nil))
	if after.ExpiresAt != s.ExpiresAt || after.UserMetadata["a"] != "b" {
		t.Errorf("bad PATCHes changed the session: %+v", after)
	}
	for _, q := range []string{"status=dead", "limit=0", "limit=x", "cursor=nope", "q=user_metadata", "q=user_metadata['a']", "q=user_metadata['a']:b", "q=metadata['a']:'b'", "q=user_metadata['a':'b'"} {
		r := do(t, "GET", srv.URL+"/sessions?"+q, nil)
		if e := decodeAs[errorJSON](t, r); r.Status != 400 || e.Error.Code != "invalid_request" {
			t.Errorf("GET /sessions?%s: %d %s", q, r.Status, r.Body)
		}
	}
	if r := do(t, "GET", srv.URL+"/sessions/nope", nil); r.Status != 404 {
		t.Errorf("unknown id: %d", r.Status)
	}
	if r := do(t, "POST", srv.URL+"/session", `{"userMetadata": {"x": "`+strings.Repeat("y", 2<<20)+`"}}`); r.Status != 413 {
		t.Errorf("2 MiB body: %d %s", r.Status, r.Body)
	}
}
