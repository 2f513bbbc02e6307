// Package examples holds runnable programs a user copies from; this test
// runs them against a real server so they cannot rot.
package examples

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sessionql/sessionql/internal/server"
	"github.com/sessionql/sessionql/internal/testutil"
)

// startServer runs the real server (internal/server.Run, as
// cmd/sessionql does) on a free local port for the test.
func startServer(t *testing.T) string {
	t.Helper()
	dataDir := filepath.Join(testutil.DataDir(t), "data")
	ctx, cancel := context.WithCancel(t.Context())
	ready, done := make(chan string, 1), make(chan error, 1)
	args := []string{"--addr", "127.0.0.1:0", "--data-dir", dataDir, "--chrome-path", testutil.ChromePath(t),
		"--max-browsers", "2", "--max-sessions", "100", "--max-ttl", "1h"}
	go func() { done <- server.Run(ctx, args, io.Discard, os.Stderr, ready) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the server ended with: %v", err)
		}
		testutil.NoProcessesLeft(t, dataDir)
	})
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		done <- err
		t.Fatalf("the server did not start: %v", err)
		return ""
	}
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
