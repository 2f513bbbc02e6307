package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestDamagedStore damages a leaf page of a real store (one that holds
// session records), then runs the real binary: it must not panic but exit
// with a message that names the file and the repair command; `check` says
// it is damaged; `check --repair` keeps the damaged file aside and copies
// the readable records, after which the server starts and lists them.
func TestDamagedStore(t *testing.T) {
	dataDir := filepath.Join(testutil.DataDir(t), "data")
	s := start(t, dataDir)
	var ids []string
	for range 60 {
		var created struct{ ID string }
		if st := call(t, "POST", s.URL+"/session", map[string]any{"userMetadata": map[string]any{"pad": strings.Repeat("x", 200)}}, &created); st != 201 {
			t.Fatalf("create: %d", st)
		}
		ids = append(ids, created.ID)
	}
	s.shutdown(t, syscall.SIGTERM, dataDir)
	store := filepath.Join(dataDir, "sessions.db")
	damageLeafHolding(t, store, ids[len(ids)/2])

	out, err := runBinary(t, "DATA_DIR="+dataDir)
	if err == nil {
		t.Fatalf("the server started on a damaged store:\n%s", out)
	}
	if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
		t.Errorf("the server panicked on a damaged store:\n%s", out)
	}
	for _, want := range []string{store, "is damaged", "sessionql check --data-dir " + dataDir + " --repair"} {
		if !strings.Contains(out, want) {
			t.Errorf("the start-up error does not say %q:\n%s", want, out)
		}
	}
	if out, err := runBinary(t, "", "check", "--data-dir", dataDir); err == nil || !strings.Contains(out, "damaged") {
		t.Errorf("check on the damaged store: %v\n%s", err, out)
	}
	if out, err := runBinary(t, "", "check", "--data-dir", dataDir, "--repair"); err != nil || !strings.Contains(out, "Repaired") {
		t.Fatalf("check --repair: %v\n%s", err, out)
	}
	if aside, _ := filepath.Glob(store + ".damaged-*"); len(aside) != 1 {
		t.Errorf("the damaged file was not kept aside: %v", aside)
	}
	if out, err := runBinary(t, "", "check", "--data-dir", dataDir); err != nil || !strings.Contains(out, "is whole") {
		t.Errorf("check after the repair: %v\n%s", err, out)
	}

	s = start(t, dataDir)
	var list struct{ Sessions []struct{ ID string } }
	call(t, "GET", s.URL+"/sessions?limit=1000", nil, &list)
	if n := len(list.Sessions); n == 0 || n >= len(ids) {
		t.Errorf("after the repair %d of %d sessions are listed; want those off the damaged page", n, len(ids))
	}
	t.Logf("repair kept %d of %d sessions", len(list.Sessions), len(ids))
	s.shutdown(t, syscall.SIGTERM, dataDir)
}

// damageLeafHolding overwrites the header of every leaf page that holds
// the key, as a bad disk sector would.
func damageLeafHolding(t *testing.T, path, key string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 4096
	damaged := 0
	for p := 2; (p+1)*pageSize <= len(raw); p++ {
		page := raw[p*pageSize : (p+1)*pageSize]
		if page[8] == 0x02 && page[9] == 0 /* a leaf page's flags */ && bytes.Contains(page, []byte(key)) {
			copy(page[:16], bytes.Repeat([]byte{0xA5}, 16))
			damaged++
		}
	}
	if damaged == 0 {
		t.Fatalf("no leaf page holds %s", key)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// runBinary runs the server binary to its exit with args and one more
// environment variable, and returns what it printed.
func runBinary(t *testing.T, env string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(os.Environ(), "ADDR=127.0.0.1:0", "MAX_BROWSERS=2")
	if env != "" {
		cmd.Env = append(cmd.Env, env)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}
