package sessions

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/internal/testutil"
)

// TestMain starts PostgreSQL and S3 for the shared store back end, and
// fails the package when a goroutine or a process outlives the tests.
func TestMain(m *testing.M) { testutil.RunWithEngines(m) }

// Backend is one store back end the store tests run on. Open returns
// what configures a Service on it; each call opens the stores anew on the
// same database and bucket, as a restarted server does. Shared says the
// records and profiles live outside the data dir, so a restart may start
// on an empty one.
type Backend struct {
	Name   string
	Shared bool
	Open   func(t testing.TB) func(Config) Config
}

// Backends is the table of store back ends: bbolt and the local profile
// directory here, PostgreSQL with S3 added by backends_test.go (an
// external test package, since pgstore imports this one).
var Backends = []Backend{{Name: "bbolt", Open: func(testing.TB) func(Config) Config {
	return func(cfg Config) Config { return cfg }
}}}

// eachBackend runs test once per store back end.
func eachBackend(t *testing.T, test func(t *testing.T, b Backend)) {
	for _, b := range Backends {
		t.Run(b.Name, func(t *testing.T) { test(t, b) })
	}
}

// testConfig is a small server's configuration on the test's own data dir.
func testConfig(t testing.TB) Config {
	return Config{
		DataDir: filepath.Join(testutil.DataDir(t), "data"), ChromePath: testutil.ChromePath(t), MaxBrowsers: 2, MaxSessions: 100,
		IdleTimeout: time.Minute, Queue: 10, QueueTimeout: 20 * time.Second, MaxTTL: 24 * time.Hour,
	}
}

// open starts a service; at cleanup it closes it and fails the test if a
// browser outlived it.
func open(t testing.TB, cfg Config) *Service {
	t.Helper()
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		testutil.NoProcessesLeft(t, cfg.DataDir)
	})
	return s
}

// create makes a plain session with a TTL of an hour.
func create(t testing.TB, s *Service) *Session {
	t.Helper()
	sess, err := s.Create(Options{Headless: true, Browser: "chromium", Viewport: Viewport{Width: 800, Height: 600}}, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// run acquires the session's page, runs fn on it and releases it, as one
// BrowserQL request does.
func run(t testing.TB, s *Service, id string, fn func(p *engine.Page)) {
	t.Helper()
	page, release, err := s.Acquire(context.Background(), id)
	if err != nil {
		t.Fatalf("acquire %s: %v", id, err)
	}
	defer release()
	fn(page)
}

// eval evaluates JavaScript on a page and returns its value.
func eval(t testing.TB, p *engine.Page, js string) string {
	t.Helper()
	v, err := p.Evaluate(context.Background(), js, 10*time.Second)
	if err != nil {
		t.Fatalf("evaluate %q: %v", js, err)
	}
	if v == nil {
		return "null"
	}
	return *v
}
