package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// started is a server Run by a test, with its log.
type started struct {
	URL string
	log *testutil.LogBuffer
}

// start runs the server on 127.0.0.1:0 with args added, and stops it at
// cleanup, checking that it ended cleanly and left no browser.
func start(t *testing.T, args ...string) started {
	t.Helper()
	dataDir := filepath.Join(testutil.DataDir(t), "data")
	args = append([]string{"--addr", "127.0.0.1:0", "--data-dir", dataDir, "--chrome-path", testutil.ChromePath(t), "--max-browsers", "2"}, args...)
	log := &testutil.LogBuffer{}
	ready, done := make(chan string, 1), make(chan error, 1)
	ctx, cancel := context.WithCancel(t.Context())
	go func() { done <- Run(ctx, args, io.Discard, log, ready) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the server ended with %v; its log:\n%s", err, log)
		}
		testutil.NoProcessesLeft(t, dataDir)
	})
	select {
	case addr := <-ready:
		return started{URL: "http://" + addr, log: log}
	case err := <-done:
		done <- err
		t.Fatalf("the server did not start: %v\n%s", err, log)
		return started{}
	}
}

// send makes a request with an optional bearer token and returns the
// status and the body.
func send(t *testing.T, method, url, bearer, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw
}

// TestAccessLogRedactsCredentials runs the server with JSON logs and a
// token, makes requests that carry the token and a session credential in
// the query and in a header, and reads the log: one access line per request
// with method, route pattern, status, duration, session and bytes, and no
// credential anywhere.
func TestAccessLogRedactsCredentials(t *testing.T) {
	const token = "s3cret-server-token"
	s := start(t, "--token", token, "--log-format", "json", "--log-level", "debug")
	st, _, raw := send(t, "POST", s.URL+"/session", token, `{"ttl": 60000}`)
	if st != 201 {
		t.Fatalf("create: %d %s", st, raw)
	}
	var created struct{ ID, Stop string }
	json.Unmarshal(raw, &created)
	if st, _, raw := send(t, "GET", created.Stop, "", ""); st != 200 {
		t.Fatalf("GET with the session credential: %d %s", st, raw)
	}
	send(t, "GET", s.URL+"/nowhere?token="+token, "", "")
	send(t, "GET", s.URL+"/sessions/"+created.ID+"?token=sq_s_forged", "", "")
	if st, _, raw := send(t, "DELETE", created.Stop, "", ""); st != 204 {
		t.Fatalf("stop: %d %s", st, raw)
	}
	credential := created.Stop[strings.Index(created.Stop, "sq_s_"):]

	var access, lifecycle []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s.log.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Errorf("a log line is not JSON: %s", sc.Text())
			continue
		}
		switch {
		case line["msg"] == "request":
			access = append(access, line)
		case line["session"] == created.ID:
			lifecycle = append(lifecycle, line)
		}
	}
	if log := s.log.String(); strings.Contains(log, token) || strings.Contains(log, credential) || strings.Contains(log, "sq_s_forged") {
		t.Errorf("the log holds a credential:\n%s", log)
	}
	if len(access) != 5 {
		t.Fatalf("%d access lines for 5 requests:\n%s", len(access), s.log)
	}
	if len(lifecycle) != 2 || lifecycle[0]["msg"] != "session created" || lifecycle[1]["msg"] != "session stopped" || lifecycle[1]["reason"] != "stop requested" {
		t.Errorf("the session's lifecycle lines: %v", lifecycle)
	}
	get := access[1]
	if get["method"] != "GET" || get["route"] != "/sessions/{id}" || get["status"] != 200.0 ||
		get["session"] != created.ID || get["bytes"].(float64) <= 0 || get["duration"] == nil {
		t.Errorf("the access line of GET /sessions/{id}: %v", get)
	}
	if access[2]["route"] != "unmatched" || access[2]["status"] != 404.0 {
		t.Errorf("the access line of an unknown path: %v", access[2])
	}
}

// TestProbesAndMetrics checks what probes and scrapers reach without the
// token: /healthz and /readyz (GET and HEAD), and /metrics only where
// METRICS_PUBLIC or METRICS_ADDR says so.
func TestProbesAndMetrics(t *testing.T) {
	s := start(t, "--token", "tok", "--metrics-addr", "127.0.0.1:0")
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/healthz", 200}, {"HEAD", "/healthz", 200}, {"GET", "/readyz", 200}, {"HEAD", "/readyz", 200},
		{"GET", "/metrics", 401}, {"GET", "/openapi.json", 200}, {"GET", "/pressure", 401},
	} {
		if st, _, raw := send(t, c.method, s.URL+c.path, "", ""); st != c.status {
			t.Errorf("%s %s without token: %d %s, want %d", c.method, c.path, st, raw, c.status)
		}
	}
	if st, _, _ := send(t, "GET", s.URL+"/metrics", "tok", ""); st != 200 {
		t.Errorf("/metrics with the token: %d", st)
	}
	line := s.log.String()[strings.Index(s.log.String(), "metrics listening"):]
	addr := strings.Fields(line[strings.Index(line, "addr=")+5:])[0]
	if st, _, raw := send(t, "GET", "http://"+addr+"/metrics", "", ""); st != 200 || !bytes.Contains(raw, []byte("sessionql_")) {
		t.Errorf("/metrics on METRICS_ADDR without token: %d", st)
	}

	public := start(t, "--token", "tok", "--metrics-public")
	if st, _, raw := send(t, "GET", public.URL+"/metrics", "", ""); st != 200 || !bytes.Contains(raw, []byte("sessionql_")) {
		t.Errorf("/metrics with METRICS_PUBLIC without token: %d", st)
	}
}
