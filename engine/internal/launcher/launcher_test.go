//go:build linux

package launcher

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
	"golang.org/x/sys/unix"
)

// start runs a shell script as a browser would be run; the test ends it.
func start(t *testing.T, script string, args ...string) *Process {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Start(Options{Exec: sh, Args: append([]string{"-c", script, "sh"}, args...)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Kill() })
	return p
}

// TestKillEndsTheProcessGroup starts a process with a child of its own, as
// Chromium has renderers: Kill ends both, and Wait returns.
func TestKillEndsTheProcessGroup(t *testing.T) {
	child := "sq-launcher-child-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	p := start(t, `sh -c 'sleep 60' "$1" & wait`, child)
	waitFor(t, "the child to start", func() bool { return len(testutil.Processes(child)) >= 2 })
	pgid, err := unix.Getpgid(p.Pid())
	if err != nil || pgid != p.Pid() {
		t.Fatalf("the process is in group %d (%v), want its own, %d", pgid, err, p.Pid())
	}
	p.Kill()
	p.Wait()
	waitFor(t, "the group to end", func() bool { return len(testutil.Processes(child)) == 0 })
}

// TestPipesAreGrown checks both protocol pipes have PipeSize.
func TestPipesAreGrown(t *testing.T) {
	p := start(t, `sleep 60`)
	for _, f := range []any{p.In, p.Out} {
		size, err := unix.FcntlInt(f.(*os.File).Fd(), unix.F_GETPIPE_SZ, 0)
		if err != nil || size < PipeSize {
			t.Errorf("pipe buffer is %d bytes (%v), want %d", size, err, PipeSize)
		}
	}
}

// TestReapOrphansEndsLeftovers starts a process that names a profile under
// the folder, as a browser of a killed server would, and one that names
// another folder: only the first is ended.
func TestReapOrphansEndsLeftovers(t *testing.T) {
	dir := testutil.DataDir(t)
	profiles := filepath.Join(dir, "profiles")
	orphan := start(t, `sleep 60`, "--user-data-dir="+filepath.Join(profiles, "s1"))
	other := start(t, `sleep 60`, "--user-data-dir="+filepath.Join(dir, "elsewhere", "s2"))
	ReapOrphans(profiles)
	if err := orphan.Wait(); err == nil {
		t.Error("the orphan exited cleanly; it should have been killed")
	}
	if unix.Kill(other.Pid(), 0) != nil {
		t.Error("a process of another folder was ended")
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
