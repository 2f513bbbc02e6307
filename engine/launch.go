// Package engine is the only package that speaks the Chrome DevTools Protocol:
// it launches Chromium, multiplexes clients over its debugging pipe and runs
// BrowserQL steps on pages.
package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/sessionql/sessionql"
)

// LaunchOptions describe one start of Chromium for one session profile.
type LaunchOptions struct {
	ExecPath    string   // the Chromium binary
	ProfileDir  string   // --user-data-dir, kept between launches
	TempDir     string   // TMPDIR for Chromium, emptied when the browser ends
	Headless    bool     // false needs a display
	Args        []string // extra flags, already validated
	Stealth     bool     // anti-detection flags and page setup
	Window      Size     // window and screen size
	Lang        string   // locale: Intl, navigator.language(s), Accept-Language; empty for the default
	Timezone    string   // TZ for the browser, empty for the server's (stealth: never UTC)
	UserAgent   string   // user agent string, empty for the browser's own (stealth: without "Headless")
	Proxy       string   // --proxy-server
	ProxyBypass []string
}

// Size is a width and a height in CSS pixels.
type Size struct{ Width, Height int }

// closeTimeout bounds a graceful close before the process group is killed.
const closeTimeout = 5 * time.Second

// Browser is one running Chromium process and the pipe multiplexer that owns
// its DevTools connection. Close or Kill ends it; Done closes when it exits.
type Browser struct {
	cmd      *exec.Cmd
	mux      *Mux
	tempDir  string
	done     chan struct{}
	exitErr  error
	loops    sync.WaitGroup // the engine's own clients, such as the identity client
	identity identity       // what the browser reports about itself
	stealth  bool           // users' clients get the runtime shim; see runtime_shim.go
}

// Launch starts Chromium with its DevTools protocol on a pipe, so no port is
// ever open. The process gets its own process group and a parent-death
// signal, so that it cannot outlive the server.
func Launch(opts LaunchOptions) (*Browser, error) {
	if err := os.MkdirAll(opts.ProfileDir, 0o700); err != nil {
		return nil, fmt.Errorf("create profile dir: %w", err)
	}
	if err := os.MkdirAll(opts.TempDir, 0o700); err != nil {
		return nil, fmt.Errorf("create temp dir: %w", err)
	}
	b, err := startWithIdentity(opts)
	if err != nil {
		os.RemoveAll(opts.TempDir)
		return nil, sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The browser could not be started: %v.", err)
	}
	return b, nil
}

// startWithIdentity starts the browser and, when the session changes what
// the browser reports about itself, the client that sees to it, before any
// other client connects.
func startWithIdentity(opts LaunchOptions) (*Browser, error) {
	id, err := identityFor(opts)
	if err != nil {
		return nil, err
	}
	b, err := start(withIdentity(opts, id))
	if err != nil || id.empty() {
		return b, err
	}
	b.identity = id
	if err := b.startIdentity(id); err != nil {
		b.Kill()
		return nil, fmt.Errorf("give the browser its identity: %w", err)
	}
	return b, nil
}

func start(opts LaunchOptions) (*Browser, error) {
	toChrome, chromeIn, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	chromeOut, fromChrome, err := os.Pipe()
	if err != nil {
		toChrome.Close()
		chromeIn.Close()
		return nil, err
	}
	cmd := exec.Command(opts.ExecPath, flags(opts)...)
	cmd.ExtraFiles = []*os.File{toChrome, fromChrome} // fd 3 is read by Chrome, fd 4 written
	cmd.Env = browserEnv(opts)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stderr := &tail{}
	cmd.Stderr = stderr
	err = cmd.Start()
	toChrome.Close()
	fromChrome.Close()
	if err != nil {
		chromeIn.Close()
		chromeOut.Close()
		return nil, err
	}
	b := &Browser{cmd: cmd, tempDir: opts.TempDir, done: make(chan struct{}), stealth: opts.Stealth}
	b.mux = newMux(chromeIn, chromeOut)
	go b.wait()
	if err := b.mux.ready(context.Background()); err != nil {
		b.Kill()
		return nil, fmt.Errorf("%w; the browser said: %s", err, stderr)
	}
	return b, nil
}

// browserEnv gives Chromium its own TMPDIR, so the folders it leaves per
// launch land where the server cleans, and the session's timezone.
func browserEnv(opts LaunchOptions) []string {
	env := append(os.Environ(), "TMPDIR="+opts.TempDir)
	if opts.Timezone != "" {
		env = append(env, "TZ="+opts.Timezone)
	}
	return env
}

func (b *Browser) wait() {
	b.exitErr = b.cmd.Wait()
	b.mux.close(errors.New("the browser process exited"))
	b.loops.Wait()
	b.killGroup()
	os.RemoveAll(b.tempDir)
	close(b.done)
}

// Done is closed once the process has exited and its files are cleaned.
func (b *Browser) Done() <-chan struct{} { return b.done }

// Pid is the process id of the browser, for tests and orphan checks.
func (b *Browser) Pid() int { return b.cmd.Process.Pid }

// Close asks Chromium to quit, so it flushes cookies and storage to the
// profile, and kills it if it has not ended within closeTimeout.
func (b *Browser) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	b.mux.call(ctx, "", "Browser.close", nil)
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		b.Kill()
		return errors.New("the browser did not close in time and was killed")
	}
}

// Kill ends the whole process group at once and waits for the exit.
func (b *Browser) Kill() {
	b.killGroup()
	<-b.done
}

func (b *Browser) killGroup() {
	syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
}
