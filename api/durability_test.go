//go:build linux

package api

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// smallDisk mounts a tmpfs of size bytes for a test and unmounts it after
// the test's later cleanups (such as stopping a server on it) have run.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system to fill needs root; CI runs as root")
	}
	dir := testutil.DataDir(t)
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0711"); err != nil {
		t.Fatalf("mount a tmpfs to fill: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fill writes a file until the file system is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill the disk: %v", err)
			}
			return path
		}
	}
}

// TestFullDiskIsNotAcknowledged: when the store cannot write a request's
// checkpoint, the request answers 503 store_unavailable with Retry-After
// instead of a 200 the store never kept, and so does create; once there is
// room again the same session works and keeps what it wrote.
func TestFullDiskIsNotAcknowledged(t *testing.T) {
	disk := smallDisk(t, "256m")
	pages := testutil.ServePages(t)
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.DataDir = filepath.Join(disk, "data") })
	sess := srv.create(t, map[string]any{"stealth": true})
	page := pages.URL + "/click.html"
	write := func(value string, n int) response {
		js := fmt.Sprintf("localStorage.setItem('big', '%s'.repeat(%d)); return 1", value, n)
		return do(t, "POST", sess.BrowserQL, map[string]any{
			"query":     `mutation($u: String!, $js: String!) { goto(url: $u) { status } evaluate(content: $js) { value } }`,
			"variables": map[string]any{"u": page, "js": js},
		})
	}
	if r := write("a", 10); r.Status != http.StatusOK {
		t.Fatalf("before the disk is full: %d %s", r.Status, r.Body)
	}
	filler := fill(t, disk)

	r := write("b", 300000)
	if r.Status != http.StatusServiceUnavailable || decodeAs[errorJSON](t, r).Error.Code != "store_unavailable" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a request whose state could not be stored: %d %s %v; want 503 store_unavailable with Retry-After", r.Status, r.Body, r.Header)
	}
	created := createUntilRefused(t, srv)

	os.Remove(filler)
	if r := write("c", 300000); r.Status != http.StatusOK {
		t.Fatalf("with room again: %d %s", r.Status, r.Body)
	}
	srv.restart(t)
	read := `mutation($u: String!) { goto(url: $u) { status } evaluate(content: "localStorage.getItem('big').slice(0, 3)") { value } }`
	_, res := bql(t, srv.URL+"/sessions/"+sess.ID+"/bql", read, map[string]any{"u": page})
	if got := string(res.Data["evaluate"]); !strings.Contains(got, `"ccc"`) {
		t.Fatalf("after a restart the session reads %s; want the write acknowledged last (ccc)", got)
	}
	for _, id := range created {
		if r := do(t, "GET", srv.URL+"/sessions/"+id, nil); r.Status != http.StatusOK {
			t.Errorf("session %s was acknowledged on the full disk but is gone after a restart: %d %s", id, r.Status, r.Body)
		}
	}
}

// createUntilRefused creates sessions on a full disk until the store
// refuses one, which must be a 503 store_unavailable; the store may still
// have free pages inside its file for the first few, which are durable.
func createUntilRefused(t *testing.T, srv *server) (created []string) {
	t.Helper()
	for range 500 {
		r := do(t, "POST", srv.URL+"/session", map[string]any{"userMetadata": map[string]string{"pad": strings.Repeat("p", 400)}})
		switch {
		case r.Status == http.StatusCreated:
			created = append(created, decodeAs[sessionJSON](t, r).ID)
		case r.Status == http.StatusServiceUnavailable && decodeAs[errorJSON](t, r).Error.Code == "store_unavailable":
			return created
		default:
			t.Fatalf("create on a full disk: %d %s; want 201 or 503 store_unavailable", r.Status, r.Body)
		}
	}
	t.Fatal("500 creates on a full disk all succeeded")
	return nil
}

// TestStateOverLimitIsRefused: a session whose cookies and storage grow
// past MAX_STATE_BYTES gets 507 state_too_large that names the setting,
// the store keeps the last state that fitted, and clearing storage makes
// the session save again.
func TestStateOverLimitIsRefused(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.MaxStateBytes = 64 << 10 })
	sess := srv.create(t, map[string]any{"stealth": true})
	page := pages.URL + "/click.html"
	set := `mutation($u: String!, $js: String!) { goto(url: $u) { status } evaluate(content: $js) { value } }`
	js := func(n int) string { return fmt.Sprintf("localStorage.setItem('k', 'x'.repeat(%d)); return 1", n) }
	if status, res := bql(t, sess.BrowserQL, set, map[string]any{"u": page, "js": js(1000)}); status != 200 || len(res.Errors) > 0 {
		t.Fatalf("a small state: %d %+v", status, res)
	}
	r := do(t, "POST", sess.BrowserQL, map[string]any{"query": set, "variables": map[string]any{"u": page, "js": js(100000)}})
	if e := decodeAs[errorJSON](t, r).Error; r.Status != http.StatusInsufficientStorage || e.Code != "state_too_large" || !strings.Contains(e.Message, "MAX_STATE_BYTES") {
		t.Fatalf("a state over the limit: %d %s; want 507 state_too_large naming MAX_STATE_BYTES", r.Status, r.Body)
	}
	clear := `mutation($u: String!) { goto(url: $u) { status } evaluate(content: "localStorage.setItem('k', 'small'); return 1") { value } }`
	if status, res := bql(t, sess.BrowserQL, clear, map[string]any{"u": page}); status != 200 || len(res.Errors) > 0 {
		t.Fatalf("after clearing storage: %d %+v", status, res)
	}
}
