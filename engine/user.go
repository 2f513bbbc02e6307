package engine

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/sessionql/sessionql/engine/internal/launcher"
)

// DefaultBrowserUser is the user Chromium runs as when the server runs as
// root and the operator names none.
const DefaultBrowserUser = "nobody"

// browserUser resolves the user browsers run as: nil unless the server
// runs as root and the user is not root.
func browserUser(name string) (*launcher.User, error) {
	if name == "" {
		name = DefaultBrowserUser
	}
	return launcher.LookupUser(name)
}

// CheckBrowserUser checks at the server's start that the browser user
// exists and can reach dir, the data dir: every folder above it must let
// that user through.
func CheckBrowserUser(name, dir string) error {
	run, err := browserUser(name)
	if err != nil {
		return err
	}
	return run.CheckReach(dir)
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
		if err := run.Own(d.dir); err != nil {
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
