package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessionql/sessionql/graph"
	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/sessions"
	"go.uber.org/goleak"
)

// TestMain fails the package when a goroutine outlives the tests, and
// removes the run's temp folder (see testutil.TempRun).
func TestMain(m *testing.M) {
	_, remove := testutil.TempRun()
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"), goleak.Cleanup(func(int) { remove() }))
}

// server is a real sessionql stack on httptest: router, sessions service on
// its own data dir, real Chromium.
type server struct {
	*httptest.Server
	svc     *sessions.Service
	bql     *graph.Handler
	dataDir string
	cfg     sessions.Config
	api     Config
}

// serverOption changes the configuration of a test server.
type serverOption func(*sessions.Config, *Config)

// newServer starts a server; at cleanup it shuts everything down and fails
// the test if a Chromium process is left.
func newServer(t testing.TB, opts ...serverOption) *server {
	t.Helper()
	dir := testutil.DataDir(t)
	cfg := sessions.Config{
		DataDir: filepath.Join(dir, "data"), ChromePath: testutil.ChromePath(t), MaxBrowsers: 4, MaxSessions: 1000,
		IdleTimeout: time.Minute, Queue: 10, QueueTimeout: 30 * time.Second, MaxTTL: 90 * 24 * time.Hour,
	}
	acfg := Config{MaxTTL: cfg.MaxTTL}
	for _, o := range opts {
		o(&cfg, &acfg)
	}
	s := &server{dataDir: cfg.DataDir, cfg: cfg, api: acfg}
	s.start(t)
	t.Cleanup(func() {
		s.stop()
		testutil.NoProcessesLeft(t, cfg.DataDir)
	})
	return s
}

func (s *server) start(t testing.TB) {
	t.Helper()
	svc, err := sessions.Open(s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	bql, err := graph.NewHandler("test")
	if err != nil {
		t.Fatal(err)
	}
	bql.MaxAnswerBytes = s.cfg.MaxAnswerBytes
	s.svc, s.bql = svc, bql
	h := NewRouter(s.api, svc, bql)
	if _, bench := t.(*testing.B); !bench {
		// Benchmarks measure the server as it runs: checking each answer
		// against the OpenAPI document costs the test process more CPU
		// than some requests take (a page's text: about 2 ms).
		h = validated(t, h)
	}
	s.Server = httptest.NewServer(h)
}

// stop shuts the server down as a SIGTERM does: no new requests, browsers
// hibernated, store closed.
func (s *server) stop() {
	if s.Server == nil {
		return
	}
	s.Server.Close()
	s.svc.Close()
	s.bql.Close()
	s.Server = nil
}

// restart stops the server and starts a new one on the same data dir.
func (s *server) restart(t testing.TB) {
	s.stop()
	s.start(t)
}

// response is an HTTP answer as a client reads it.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a request with an optional JSON body.
func do(t testing.TB, method, url string, body any) response {
	t.Helper()
	return doHeader(t, method, url, body, nil)
}

// decodeAs decodes a response body into T, failing the test if it is not.
func decodeAs[T any](t testing.TB, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("status %d, body %s: %v", r.Status, r.Body, err)
	}
	return v
}

// sessionJSON is the session object as clients read it.
type sessionJSON struct {
	ID           string
	Status       string
	CreatedAt    string
	ExpiresAt    string
	TTL          int64
	Stealth      bool
	Headless     bool
	Browser      string
	BlockAds     bool
	Args         []string
	Proxy        map[string]any
	UserMetadata map[string]any
	Connect      string
	BrowserQL    string
	Stop         string
}

// errorJSON is the SPEC's error shape.
type errorJSON struct {
	Error struct {
		Code    string
		Message string
	}
}

// create makes a session and fails the test unless it is 201.
func (s *server) create(t testing.TB, body any) sessionJSON {
	t.Helper()
	r := do(t, "POST", s.URL+"/session", body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: status %d, %s", r.Status, r.Body)
	}
	return decodeAs[sessionJSON](t, r)
}

// bqlResult is a GraphQL response as a client reads it.
type bqlResult struct {
	Data   map[string]json.RawMessage
	Errors []struct {
		Message    string
		Path       []any
		Extensions map[string]any
	}
}

// bql posts a GraphQL request to a session's browserQL URL.
func bql(t testing.TB, endpoint, query string, variables map[string]any) (int, bqlResult) {
	t.Helper()
	r := do(t, "POST", endpoint, map[string]any{"query": query, "variables": variables})
	return r.Status, decodeAs[bqlResult](t, r)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// sessionsConfig is the sessions configuration a serverOption may change.
type sessionsConfig = sessions.Config

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }

// captureLogs sends the server's log, debug lines included, to a buffer
// until the test ends.
func captureLogs(t *testing.T) *testutil.LogBuffer {
	t.Helper()
	var logs testutil.LogBuffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() {
		slog.SetDefault(prev)
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &logs
}
