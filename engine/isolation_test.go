//go:build linux

package engine

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// descendants lists the processes below pid, from their parents in /proc.
func descendants(pid int) []int {
	children := map[int][]int{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		stat, err := os.ReadFile(d + "/stat")
		if err != nil {
			continue
		}
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		ppid, _ := strconv.Atoi(fields[1])
		child, _ := strconv.Atoi(filepath.Base(d))
		children[ppid] = append(children[ppid], child)
	}
	var out []int
	for queue := []int{pid}; len(queue) > 0; queue = queue[1:] {
		out = append(out, children[queue[0]]...)
		queue = append(queue, children[queue[0]]...)
	}
	return out
}

// uids reads the real, effective, saved and filesystem uids of a process.
func uids(t *testing.T, pid int) string {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			return strings.Join(strings.Fields(rest), " ")
		}
	}
	t.Fatalf("no Uid line for %d", pid)
	return ""
}

func TestBrowserRunsUnprivilegedWithAMinimalEnvironment(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the browser user only applies to a server running as root")
	}
	t.Setenv("TOKEN", "token-of-the-server")
	t.Setenv("DATABASE_URL", "postgres://secret")
	b, p := launchOwn(t, LaunchOptions{})
	srv := testutil.ServePages(t)
	if _, err := p.Goto(context.Background(), srv.URL+"/local.html", Load, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	nobody, _ := user.Lookup(DefaultBrowserUser)
	pids := append([]int{b.Pid()}, descendants(b.Pid())...)
	if len(pids) < 3 {
		t.Fatalf("found only processes %v of the browser", pids)
	}
	ownNS, _ := os.Readlink("/proc/self/ns/user")
	otherNS := 0
	for _, pid := range pids {
		id := uids(t, pid)
		if id != strings.Repeat(nobody.Uid+" ", 3)+nobody.Uid && id != "" {
			t.Errorf("process %d runs with uids %s, want %s's %s", pid, id, DefaultBrowserUser, nobody.Uid)
		}
		env, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
		if strings.Contains(string(env), "token-of-the-server") || strings.Contains(string(env), "postgres://") {
			t.Errorf("process %d has the server's secrets in its environment", pid)
		}
		if ns, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/user"); ns != "" && ns != ownNS {
			otherNS++
		}
	}
	cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(b.Pid()) + "/cmdline")
	if sandboxState.Load() != sandboxWorks {
		t.Logf("the sandbox cannot start here; browsers run with --no-sandbox")
		return
	}
	if strings.Contains(string(cmdline), "--no-sandbox") {
		t.Errorf("the sandbox works here, yet the browser runs with --no-sandbox")
	}
	if otherNS == 0 {
		t.Errorf("no process of the browser is in a user namespace of its own: the sandbox is off")
	}
}

// waitFile waits until a file exists, for a download to finish.
func waitFile(t *testing.T, path string) os.FileInfo {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if info, err := os.Stat(path); err == nil {
			return info
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	t.Fatalf("%s did not appear; the folder holds %v", path, entries)
	return nil
}

func TestDownloadsAlwaysLandInTheSessionFolder(t *testing.T) {
	dir := testutil.DataDir(t)
	downloads, elsewhere := filepath.Join(dir, "files", "downloads"), filepath.Join(dir, "elsewhere")
	b, p := launchOwn(t, LaunchOptions{DownloadDir: downloads})
	srv := testutil.ServePages(t)
	ctx := context.Background()
	if _, err := p.Goto(ctx, srv.URL+"/local.html", Load, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	click := func(id string) {
		t.Helper()
		if _, err := p.Click(ctx, id, LocateOptions{Wait: true}, 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	click("#download")
	info := waitFile(t, filepath.Join(downloads, "report.txt"))
	if os.Geteuid() == 0 {
		nobody, _ := user.Lookup(DefaultBrowserUser)
		if uid := strconv.Itoa(int(info.Sys().(*syscall.Stat_t).Uid)); uid != nobody.Uid {
			t.Errorf("the download is owned by uid %s, want the browser user's %s", uid, nobody.Uid)
		}
	}

	conn := newMemConn()
	served := make(chan error)
	go func() { served <- b.Serve(conn) }()
	conn.send(t, `{"id":1,"method":"Browser.setDownloadBehavior","params":{"behavior":"allow","downloadPath":"`+elsewhere+`"}}`)
	if r := conn.reply(t, 1); r["error"] != nil {
		t.Fatalf("setDownloadBehavior: %s", r["error"])
	}
	click("#download2")
	waitFile(t, filepath.Join(downloads, "second.txt"))

	conn.CloseWith(nil)
	<-served
	click("#download3")
	waitFile(t, filepath.Join(downloads, "third.txt"))
	if _, err := os.Stat(elsewhere); err == nil {
		t.Errorf("a user's downloadPath %s was used", elsewhere)
	}
	if home, err := os.UserHomeDir(); err == nil {
		if _, err := os.Stat(filepath.Join(home, "Downloads", "third.txt")); err == nil {
			t.Errorf("a download landed in the server user's %s/Downloads", home)
		}
	}
}

func TestOldProfilesAreGivenToTheBrowserUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the browser user only applies to a server running as root")
	}
	dir := testutil.DataDir(t)
	profile := filepath.Join(dir, "profile", "Default")
	if err := os.MkdirAll(profile, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(profile, "Old"), []byte("from a server that ran browsers as root"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := prepare(LaunchOptions{ProfileDir: filepath.Dir(profile), TempDir: filepath.Join(dir, "tmp")}); err != nil {
		t.Fatal(err)
	}
	nobody, _ := user.Lookup(DefaultBrowserUser)
	for _, p := range []string{filepath.Dir(profile), profile, filepath.Join(profile, "Old"), filepath.Join(dir, "tmp")} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if uid := strconv.Itoa(int(info.Sys().(*syscall.Stat_t).Uid)); uid != nobody.Uid {
			t.Errorf("%s is owned by uid %s, want the browser user's %s", p, uid, nobody.Uid)
		}
	}
}

func TestDataDirMustBeReachableByTheBrowserUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the browser user only applies to a server running as root")
	}
	closed := filepath.Join(testutil.DataDir(t), "closed")
	if err := os.Mkdir(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	err := CheckBrowserUser("", filepath.Join(closed, "data"))
	if err == nil || !strings.Contains(err.Error(), "chmod o+x "+closed+",") {
		t.Errorf("a data dir under a 0700 folder: %v; want a refusal naming the folder and chmod o+x", err)
	}
	if err := CheckBrowserUser("", filepath.Join(testutil.DataDir(t), "data")); err != nil {
		t.Errorf("a reachable data dir was refused: %v", err)
	}
	if err := CheckBrowserUser("root", filepath.Join(closed, "data")); err != nil {
		t.Errorf("with BROWSER_USER=root nothing needs to be reachable: %v", err)
	}
	if err := CheckBrowserUser("no-such-user-here", filepath.Join(closed, "data")); err == nil {
		t.Errorf("an unknown browser user was accepted")
	}
}
