package api

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestBrowserbaseSDK runs the official Browserbase SDK against the server
// (e2e/browserbase.mjs), with auth on so that X-BB-API-Key is checked.
func TestBrowserbaseSDK(t *testing.T) {
	const token = "bb-token"
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = token })
	cdpNode(t, srv, "browserbase.mjs", "SESSIONQL_TOKEN="+token, "CHROME_PATH="+testutil.ChromePath(t))
}

// TestBrowserbaseRefusesWhatItCannotServe: each Browserbase feature that
// does not map answers 400 with a message naming it, and no session is
// created.
func TestBrowserbaseRefusesWhatItCannotServe(t *testing.T) {
	srv := newServer(t)
	for _, c := range []struct {
		body map[string]any
		code string
		says string
	}{
		{map[string]any{"proxies": true}, "unsupported", "managed proxies"},
		{map[string]any{"proxies": []any{map[string]any{"type": "browserbase"}}}, "unsupported", "managed proxies"},
		{map[string]any{"proxies": []any{map[string]any{"type": "external", "server": "http://127.0.0.1:9", "domainPattern": "*.a.com"}}}, "unsupported", "domainPattern"},
		{map[string]any{"proxies": []any{map[string]any{"type": "external", "server": "http://127.0.0.1:9"}, map[string]any{"type": "external", "server": "http://127.0.0.1:8"}}}, "unsupported", "one external proxy"},
		{map[string]any{"region": "us-east-1"}, "unsupported", "region"},
		{map[string]any{"extensionId": "x"}, "unsupported", "extensions"},
		{map[string]any{"proxySettings": map[string]any{"caCertificates": []string{"x"}}}, "unsupported", "CA certificates"},
		{map[string]any{"browserSettings": map[string]any{"solveCaptchas": true}}, "unsupported", "captchas"},
		{map[string]any{"browserSettings": map[string]any{"os": "mac"}}, "unsupported", "operating system"},
		{map[string]any{"browserSettings": map[string]any{"fingerprint": map[string]any{}}}, "unsupported", "fingerprint"},
		{map[string]any{"browserSettings": map[string]any{"context": map[string]any{"id": "nosuch"}}}, "context_not_found", "nosuch"},
		{map[string]any{"timeout": 0.5}, "invalid_request", "ttl"},
		{map[string]any{"typo": 1}, "invalid_request", "typo"},
	} {
		r := do(t, "POST", srv.URL+"/v1/sessions", c.body)
		e := decodeAs[errorJSON](t, r)
		if r.Status/100 != 4 || e.Error.Code != c.code || !strings.Contains(e.Error.Message, c.says) {
			t.Errorf("%v: %d %s; want %s saying %q", c.body, r.Status, r.Body, c.code, c.says)
		}
	}
	if list := do(t, "GET", srv.URL+"/v1/sessions", nil); string(list.Body) != "[]\n" {
		t.Errorf("sessions after refusals: %s", list.Body)
	}
}

// TestBrowserbaseKeyHeader: X-BB-API-Key takes the server token anywhere
// and a session's credential only on that session's /v1 routes.
func TestBrowserbaseKeyHeader(t *testing.T) {
	const token = "bb-token"
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = token })
	key := func(k string) map[string]string { return map[string]string{"X-BB-API-Key": k} }
	r := doHeader(t, "POST", srv.URL+"/v1/sessions", map[string]any{"keepAlive": true}, key(token))
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	s := decodeAs[struct{ ID, ConnectURL string }](t, r)
	cred := strings.SplitN(s.ConnectURL, "token=", 2)[1]
	other := decodeAs[struct{ ID string }](t, doHeader(t, "POST", srv.URL+"/v1/sessions", map[string]any{}, key(token)))
	for _, c := range []struct {
		method, path, key string
		want              int
	}{
		{"GET", "/v1/sessions", "", http.StatusUnauthorized},
		{"GET", "/v1/sessions", "wrong", http.StatusUnauthorized},
		{"GET", "/v1/sessions", cred, http.StatusUnauthorized},
		{"GET", "/v1/sessions", token, http.StatusOK},
		{"GET", "/v1/sessions/" + s.ID, cred, http.StatusOK},
		{"GET", "/v1/sessions/" + other.ID, cred, http.StatusUnauthorized},
		{"POST", "/v1/contexts", cred, http.StatusUnauthorized},
	} {
		if r := doHeader(t, c.method, srv.URL+c.path, nil, key(c.key)); r.Status != c.want {
			t.Errorf("%s %s with %q: %d %s; want %d", c.method, c.path, c.key, r.Status, r.Body, c.want)
		}
	}
}

// TestBrowserbaseFiles: /v1 downloads answer a zip (empty with none),
// /v1 uploads keep the file part as the sessions' own uploads do and
// refuse what they refuse.
func TestBrowserbaseFiles(t *testing.T) {
	srv := newServer(t)
	s := decodeAs[struct{ ID string }](t, do(t, "POST", srv.URL+"/v1/sessions", map[string]any{"keepAlive": true}))
	r := do(t, "GET", srv.URL+"/v1/sessions/"+s.ID+"/downloads", nil)
	z, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/zip" || err != nil || len(z.File) != 0 {
		t.Errorf("downloads of a session with none: %d %s, %v", r.Status, r.Header.Get("Content-Type"), err)
	}
	bb := srv.URL + "/v1/sessions/" + s.ID + "/uploads"
	if r := uploadTo(t, bb, part{"report.txt", []byte("hello")}); r.Status != http.StatusOK || !strings.Contains(decodeAs[struct{ Message string }](t, r).Message, "report.txt") {
		t.Errorf("upload: %d %s", r.Status, r.Body)
	}
	if got := listFilesOf(t, srv, s.ID, "uploads"); len(got) != 1 || got[0].Name != "report.txt" || got[0].Size != 5 {
		t.Errorf("uploads after the /v1 upload: %+v", got)
	}
	if r := uploadTo(t, bb, part{"../escape.txt", []byte("x")}); r.Status != http.StatusBadRequest {
		t.Errorf("upload of ../escape.txt: %d %s", r.Status, r.Body)
	}
	if r := do(t, "POST", bb, map[string]any{"file": "x"}); r.Status != http.StatusUnsupportedMediaType {
		t.Errorf("a JSON upload: %d %s", r.Status, r.Body)
	}
	if r := do(t, "GET", srv.URL+"/v1/sessions/nosuch/downloads", nil); r.Status != http.StatusNotFound {
		t.Errorf("downloads of no session: %d %s", r.Status, r.Body)
	}
}
