// Package testutil holds what tests of several packages share: finding the
// browser, serving testdata, and checking that no process outlives a test.
package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ChromePath returns the Chromium binary, failing the test if there is none:
// every browser test runs against a real Chromium.
func ChromePath(t testing.TB) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium on PATH; run ./scripts/test.sh, which installs it")
	return ""
}

// Processes lists the running (not zombie) processes whose command line
// mentions marker, such as a test's data directory.
func Processes(marker string) []string {
	var found []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(d + "/cmdline")
		if err != nil || !strings.Contains(string(cmd), marker) || zombie(d) {
			continue
		}
		found = append(found, filepath.Base(d)+" "+strings.ReplaceAll(string(cmd), "\x00", " "))
	}
	return found
}

func zombie(procDir string) bool {
	stat, err := os.ReadFile(procDir + "/stat")
	if err != nil {
		return true
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] == 'Z' || s[i+2] == 'X'
}

// NoProcessesLeft fails the test when a process that mentions marker is
// still running a few seconds after the test's cleanups ran.
func NoProcessesLeft(t testing.TB, marker string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := Processes(marker)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d browser processes outlived the test:\n%s", len(left), strings.Join(left, "\n"))
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Kill ends the process pid at once (SIGKILL on Unix), as a crash would.
func Kill(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
	}
}

// silentBrowser is a "browser" script that answers --version, as the
// server's start check asks, and otherwise starts and never speaks. The
// shell itself keeps running, so its process (whose arguments name the
// script) is what a test looks for and what a kill ends; the short sleeps
// it waits in cannot outlive it by more than a second.
const silentBrowser = "#!/bin/sh\n[ \"$1\" = --version ] && exec echo Chromium 156\nwhile :; do sleep 1; done\n"

// SilentBrowser writes silentBrowser into a folder of the test that the
// browser user may pass through, and returns its path.
func SilentBrowser(t testing.TB) string {
	t.Helper()
	path := filepath.Join(DataDir(t), "silent-chromium")
	if err := os.WriteFile(path, []byte(silentBrowser), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}
