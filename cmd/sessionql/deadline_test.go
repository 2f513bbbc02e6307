package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestSIGTERMDuringLaunchThatNeverAnswers: with a browser binary that
// starts but never speaks, a request is waiting on its launch when SIGTERM
// arrives. The server drains at once: the request answers 503, the
// process exits within a few seconds, well inside the 30 s launch bound,
// and no browser process is left. Before, SIGTERM did not finish in 25 s.
func TestSIGTERMDuringLaunchThatNeverAnswers(t *testing.T) {
	silent := testutil.SilentBrowser(t)
	dataDir := filepath.Join(testutil.DataDir(t), "data")
	s := start(t, dataDir, "CHROME_PATH="+silent)
	_, bql := newSession(t, s)
	answered := make(chan int, 1)
	go func() {
		resp, err := http.Post(bql, "application/json", strings.NewReader(`{"query":"mutation { evaluate(content: \"1\") { value } }"}`))
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	for start := time.Now(); len(testutil.Processes(silent)) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 15*time.Second {
			t.Fatalf("the launch did not start; log:\n%s", s.log)
		}
	}
	begin := time.Now()
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.wait(t); err != nil {
		t.Errorf("exit after SIGTERM: %v; log:\n%s", err, s.log)
	}
	if took := time.Since(begin); took > 10*time.Second {
		t.Errorf("SIGTERM took %s to finish", took.Round(time.Millisecond))
	}
	if status := <-answered; status != http.StatusServiceUnavailable {
		t.Errorf("the request waiting on the launch answered %d, want 503", status)
	}
	testutil.NoProcessesLeft(t, silent)
	testutil.NoProcessesLeft(t, dataDir)
}
