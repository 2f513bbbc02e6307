package engine

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// DefaultBrowserUser is the user Chromium runs as when the server runs as
// root and the operator names none.
const DefaultBrowserUser = "nobody"

// runAs is the unprivileged user a browser runs as.
type runAs struct {
	name     string
	uid, gid uint32
}

// credential is the process credential for exec; nil keeps the server's.
func (r *runAs) credential() *syscall.Credential {
	if r == nil {
		return nil
	}
	return &syscall.Credential{Uid: r.uid, Gid: r.gid, Groups: []uint32{}}
}

var rootWarning sync.Once

// browserUser resolves the user browsers run as. Only a server running as
// root switches users; "root" is the operator's explicit opt-out.
func browserUser(name string) (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	if name == "" {
		name = DefaultBrowserUser
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("the browser user %q does not exist; create it or set BROWSER_USER to another user", name)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	if uid == 0 {
		rootWarning.Do(func() {
			slog.Warn("browsers run as root (BROWSER_USER=root): a page that escapes the browser owns the server")
		})
		return nil, nil
	}
	return &runAs{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
}

// CheckBrowserUser checks at the server's start that the browser user
// exists and can reach dir, the data dir: every folder above it must let
// that user through.
func CheckBrowserUser(name, dir string) error {
	run, err := browserUser(name)
	if err != nil || run == nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		if info, err := os.Stat(d); err == nil && !run.canEnter(info) {
			return fmt.Errorf("browsers run as %s, who cannot enter %s above the data dir; run chmod o+x %s, or use another DATA_DIR", run.name, d, d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// canEnter reports whether the user may pass through a folder.
func (r *runAs) canEnter(info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	mode := info.Mode().Perm()
	switch {
	case !ok:
		return true
	case st.Uid == r.uid:
		return mode&0o100 != 0
	case st.Gid == r.gid:
		return mode&0o010 != 0
	}
	return mode&0o001 != 0
}

// own gives the browser user a folder the browser writes to, and what is
// below it when the folder had another owner, as profiles of an older
// version that ran browsers as root do.
func (r *runAs) own(dir string) error {
	if r == nil {
		return nil
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Uid == r.uid && st.Gid == r.gid {
		return nil
	}
	return filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(r.uid), int(r.gid))
	})
}

// The sandbox probe: the first launch tries Chromium's sandbox; if the
// kernel does not allow it, every launch after runs without it.
const (
	sandboxUnknown int32 = iota
	sandboxWorks
	sandboxBroken
)

var sandboxState atomic.Int32

// startSandboxed starts the browser with Chromium's sandbox on unless an
// earlier launch found that it cannot start here, and falls back to
// --no-sandbox, once, with a warning.
func startSandboxed(opts LaunchOptions) (*Browser, error) {
	opts.sandbox = sandboxState.Load() != sandboxBroken
	b, err := startWithIdentity(opts)
	if err == nil || !opts.sandbox || !strings.Contains(strings.ToLower(err.Error()), "sandbox") {
		if err == nil && opts.sandbox {
			sandboxState.CompareAndSwap(sandboxUnknown, sandboxWorks)
		}
		return b, err
	}
	if sandboxState.CompareAndSwap(sandboxUnknown, sandboxBroken) || sandboxState.CompareAndSwap(sandboxWorks, sandboxBroken) {
		slog.Warn("Chromium's sandbox cannot start on this machine; browsers run with --no-sandbox", "err", err)
	}
	opts.sandbox = false
	return startWithIdentity(opts)
}

// prepare creates the launch's folders (the browser user may pass through
// the ones above them), gives the browser user those it
// writes to, and fills in the defaults.
func prepare(opts LaunchOptions) (LaunchOptions, error) {
	run, err := browserUser(opts.BrowserUser)
	if err != nil {
		return opts, err
	}
	opts.run = run
	if opts.DownloadDir == "" {
		opts.DownloadDir = filepath.Join(opts.TempDir, "downloads")
	}
	for _, p := range []*string{&opts.DownloadDir, &opts.UploadDir} {
		if *p != "" {
			if *p, err = filepath.Abs(*p); err != nil {
				return opts, err
			}
		}
	}
	for _, d := range []struct{ dir, what string }{{opts.ProfileDir, "profile"}, {opts.TempDir, "temp"}, {opts.DownloadDir, "downloads"}} {
		if err := os.MkdirAll(d.dir, 0o711); err != nil {
			return opts, fmt.Errorf("create %s dir: %w", d.what, err)
		}
		if err := os.Chmod(d.dir, 0o700); err != nil {
			return opts, err
		}
		if err := run.own(d.dir); err != nil {
			return opts, fmt.Errorf("give the browser user the %s dir: %w", d.what, err)
		}
	}
	if opts.UploadDir != "" {
		if err := os.MkdirAll(opts.UploadDir, 0o755); err != nil {
			return opts, fmt.Errorf("create uploads dir: %w", err)
		}
	}
	return opts, nil
}
