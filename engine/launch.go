// Package engine is the only package that speaks the Chrome DevTools Protocol:
// it launches Chromium, multiplexes clients over its debugging pipe and runs
// BrowserQL steps on pages.
package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine/internal/cdpmux"
	"github.com/sessionql/sessionql/engine/internal/launcher"
	"github.com/sessionql/sessionql/engine/internal/stealth"
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

	DownloadDir   string   // every download lands here; default: "downloads" in TempDir
	UploadDir     string   // the only folder users may hand files to pages from; empty for none
	AllowFileURLs bool     // ALLOW_FILE_URLS: sessions may open file: and the browser's own URLs
	BrowserUser   string   // the user Chromium runs as when the server is root; see user.go
	BlockPrivate  bool     // BLOCK_PRIVATE_NETWORKS: see egress.go
	BlockAds      bool     // refuse the hosts of AdLists; see adblock.go
	AdLists       []string // BLOCK_ADS_LISTS: filter list files; empty for DefaultAdLists

	ProxyUsername, ProxyPassword string // the session proxy's credentials, given to it by the egress proxy

	MaxAnswerBytes int // MAX_ANSWER_BYTES: the largest reply the engine reads; 0 for DefaultMaxAnswerBytes
	MaxTabs        int // MAX_TABS: pages the browser may have open; 0 for DefaultMaxTabs
	// MaxDownloadBytes (MAX_DOWNLOAD_BYTES) bounds what DownloadDir holds;
	// a download that would pass it is cancelled. 0 for DefaultMaxDownloadBytes.
	MaxDownloadBytes int64

	run     *launcher.User // the resolved BrowserUser, nil to run as the server's user
	sandbox bool           // whether Chromium's sandbox is on for this start
	egress  string         // the address of the egress proxy when the launch uses one; see egress.go

	ready context.Context // bounds the start; see LaunchContext
}

// Size is a width and a height in CSS pixels.
type Size struct{ Width, Height int }

// closeTimeout bounds a graceful close before the process group is killed.
const closeTimeout = 5 * time.Second

// Browser is one running Chromium process and the pipe multiplexer that owns
// its DevTools connection. Close or Kill ends it; Done closes when it exits.
type Browser struct {
	proc      *launcher.Process
	mux       *cdpmux.Mux
	tempDir   string
	done      chan struct{}
	exit      error            // how the process ended, set before done closes
	loops     sync.WaitGroup   // the engine's own clients, such as the identity client
	identity  stealth.Identity // what the browser reports about itself
	stealth   bool             // users' clients get the runtime shim; see stealth.InstallRuntimeShim
	policy    *userPolicy      // what users' commands may do; see cdppolicy.go
	inner     Size             // the inner size the window gives pages, when known; see SetSessionViewport
	desktop   *stealth.Desktop // the screen a headless stealth browser's windows are on, nil for others
	tabs      *tabLimit        // closes pages past MAX_TABS; see tablimit.go
	downloads *downloadWatch   // follows and caps downloads; see downloadwatch.go
	guard     string           // the page target of the tab that keeps a window open; see guard.go
	recording recording        // the browser's running recording, which navigations let take its events first; see record.go
	guardTab  string           // its tab target
}

// Launch starts Chromium with its DevTools protocol on a pipe, so no port is
// ever open. The process gets its own process group and a parent-death
// signal, so that it cannot outlive the server; see the launcher package.
func Launch(opts LaunchOptions) (*Browser, error) {
	opts, err := prepare(opts)
	if err == nil {
		err = prepareProfile(opts.ProfileDir, opts.run)
	}
	if err != nil {
		return nil, sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The browser could not be started: %v.", err)
	}
	opts, closeEgress, err := withEgress(opts)
	if err != nil {
		return nil, sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The browser could not be started: %v.", err)
	}
	b, err := startSandboxed(opts)
	if err != nil {
		closeEgress()
		os.RemoveAll(opts.TempDir)
		return nil, sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The browser could not be started: %v.", err)
	}
	go func() { <-b.Done(); closeEgress() }() // the egress proxy lives as long as the browser
	return b, nil
}

// startWithIdentity starts the browser and the engine's own clients: the
// download and tab watches and, when the session changes what the browser
// reports about itself, the client that sees to it. They start side by
// side, each a round trip or two to a browser still starting, before any
// tab opens or any other client connects.
func startWithIdentity(opts LaunchOptions) (*Browser, error) {
	id, err := identityFor(opts)
	if err != nil {
		return nil, err
	}
	b, err := start(withIdentity(opts, id))
	if err != nil {
		return nil, err
	}
	var downloads, tabs, identity error
	var wg sync.WaitGroup
	wg.Go(func() { downloads = b.startDownloads(opts) })
	wg.Go(func() { tabs = b.startTabLimit(opts) })
	if !id.Empty() {
		b.identity = id
		if identity = b.startIdentity(opts, id); identity != nil {
			identity = fmt.Errorf("give the browser its identity: %w", identity)
		}
	}
	wg.Wait()
	if err := errors.Join(downloads, tabs, identity); err != nil {
		b.Kill()
		return nil, err
	}
	return b, nil
}

func start(opts LaunchOptions) (*Browser, error) {
	proc, err := launcher.Start(launcher.Options{Exec: opts.ExecPath, Args: flags(opts), Env: browserEnv(opts), User: opts.run})
	if err != nil {
		return nil, err
	}
	b := &Browser{proc: proc, tempDir: opts.TempDir, done: make(chan struct{}), stealth: opts.Stealth, policy: newUserPolicy(opts)}
	b.inner, b.desktop = windowViewport(opts)
	b.policy.history = b.navigationHistory
	b.mux = cdpmux.New(proc.In, proc.Out, opts.MaxAnswerBytes)
	go b.wait()
	if err := b.ready(opts); err != nil {
		return nil, err
	}
	return b, nil
}

// wait cleans up once the process has exited: the pipe, the engine's own
// clients, what is left of the process group and the temp dir.
func (b *Browser) wait() {
	b.exit = b.proc.Wait()
	b.mux.Close(errors.New("the browser process exited"))
	b.loops.Wait()
	b.proc.Kill()
	os.RemoveAll(b.tempDir)
	close(b.done)
}

// Done is closed once the process has exited and its files are cleaned.
func (b *Browser) Done() <-chan struct{} { return b.done }

// Pid is the process id of the browser, for tests and orphan checks.
func (b *Browser) Pid() int { return b.proc.Pid() }

// Close asks Chromium to quit, so it flushes cookies and storage to the
// profile, and kills it if it has not ended within closeTimeout. Only an
// exit of Chromium's own with status 0 is clean: one killed meanwhile (a
// watchdog, a stop) or crashed on the way out may not have written what
// the profile should hold, and the error says so.
func (b *Browser) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	b.mux.Call(ctx, "", "Browser.close", nil)
	select {
	case <-b.done:
		if b.exit != nil {
			return fmt.Errorf("the browser did not exit cleanly: %w", b.exit)
		}
		return nil
	case <-ctx.Done():
		b.Kill()
		return errors.New("the browser did not close in time and was killed")
	}
}

// Kill ends the whole process group at once and waits for the exit.
func (b *Browser) Kill() {
	b.proc.Kill()
	<-b.done
}
