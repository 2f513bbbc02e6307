// Package examples holds runnable programs a user copies from; this test
// runs them against a real server so they cannot rot.
package examples

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessionql/sessionql/api"
	"github.com/sessionql/sessionql/graph"
	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/sessions"
)

// startServer runs sessionql on a local port for the test.
func startServer(t *testing.T) string {
	t.Helper()
	dataDir := filepath.Join(testutil.DataDir(t), "data")
	svc, err := sessions.Open(sessions.Config{
		DataDir: dataDir, ChromePath: testutil.ChromePath(t), MaxBrowsers: 2, MaxSessions: 100,
		IdleTimeout: time.Minute, Queue: 10, QueueTimeout: 30 * time.Second, MaxTTL: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	bql, err := graph.NewHandler("test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.NewRouter(api.Config{MaxTTL: time.Hour}, svc, bql))
	t.Cleanup(func() {
		srv.Close()
		svc.Close()
		bql.Close()
		testutil.NoProcessesLeft(t, dataDir)
	})
	return srv.URL
}

// run runs an example with the server's URL and fails the test if it fails.
func run(t *testing.T, server string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "SESSIONQL="+server, "TMPDIR="+t.TempDir()) // what examples save goes with the test
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	t.Logf("%s", out)
}

func TestPersistedStateExamples(t *testing.T) {
	server := startServer(t)
	run(t, server, "bash", "curl/persisted-state.sh")
	run(t, server, "node", "node-fetch/persisted-state.mjs")
}
