// Command stealthprobe is a throwaway research tool: it serves the detection
// page in testdata/detect on a random 127.0.0.1 port, launches Chromium with
// --remote-debugging-pipe, drives it with raw CDP (flattened sessions, no
// Runtime.enable on pages) and prints the page's verdict (window.__detect) for a
// set of browser configurations.
//
//	go run ./internal/stealthprobe                       # default + stealth
//	go run ./internal/stealthprobe -configs all          # every variant
//	go run ./internal/stealthprobe -configs stealth -full # full __detect JSON
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Flags every launch gets (product requirement).
var baseFlags = []string{
	"--no-sandbox", // we run as root
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
	"--disable-quic",
	"--remote-debugging-pipe",
}

// config is one browser setup to measure.
type config struct {
	Name  string
	Flags []string // extra launch flags
	Env   []string // extra environment (e.g. TZ=...)

	// CDP setup.
	AutoAttach          bool   // Target.setAutoAttach{autoAttach,waitForDebuggerOnStart,flatten} on browser + every page session
	UAOverride          bool   // Emulation/Network.setUserAgentOverride with userAgentMetadata, UA without "Headless"
	UAOnWorkers         bool   // also apply the UA override on worker/service_worker sessions
	WorkerUAMethod      string // CDP method used on worker sessions (default Network.setUserAgentOverride)
	TZOverride          string // Emulation.setTimezoneOverride on page sessions
	LocaleOverride      string // Emulation.setLocaleOverride on page sessions
	TZOnWorkers         bool   // also try Emulation.setTimezoneOverride/setLocaleOverride on worker sessions
	NoCDPAcceptLanguage bool   // leave acceptLanguage out of the UA override
	RuntimeEnable       bool   // (negative control) call Runtime.enable on the page
	InjectJS            string // (negative control) Page.addScriptToEvaluateOnNewDocument source file

	// Expectations passed to the page as ?tz=&locale=.
	ExpectTZ, ExpectLocale string
}

// Timezone/locale the stealth configs are set up with and the page expects
// (-tz / -locale).
var (
	stealthTZ     = "America/New_York"
	stealthLocale = "en-US"
)

func configs() []config {
	stealth := config{
		Name: "stealth",
		Flags: []string{
			"--headless",
			"--disable-blink-features=AutomationControlled", // navigator.webdriver=false
			"--screen-info={0,0 1920x1080}",                 // screen.* (default 800x600)
			"--window-size=1920,1080",                       // outer/inner size
			"--window-position=0,0",                         // cosmetic: default 10,10 overflows the screen
			"--user-agent=@UA@",                             // replaced by the learned UA without "Headless"
		},
		Env:         []string{"TZ=" + stealthTZ},
		AutoAttach:  true,
		UAOverride:  true,
		UAOnWorkers: true,
		TZOverride:  stealthTZ, LocaleOverride: stealthLocale,
		ExpectTZ: stealthTZ, ExpectLocale: stealthLocale,
	}
	variant := func(name string, mut func(c *config)) config {
		c := stealth
		c.Flags = append([]string(nil), stealth.Flags...)
		c.Env = append([]string(nil), stealth.Env...)
		c.Name = name
		mut(&c)
		return c
	}
	dropFlag := func(c *config, prefix string) {
		var out []string
		for _, f := range c.Flags {
			if !strings.HasPrefix(f, prefix) {
				out = append(out, f)
			}
		}
		c.Flags = out
	}
	return []config{
		{Name: "default", Flags: []string{"--headless"}, ExpectTZ: stealthTZ, ExpectLocale: stealthLocale},
		stealth,
		// Ablations: stealth minus one ingredient.
		variant("stealth-no-disable-automationcontrolled", func(c *config) { dropFlag(c, "--disable-blink-features") }),
		variant("stealth-no-window-size", func(c *config) { dropFlag(c, "--window-size") }),
		variant("stealth-no-window-position", func(c *config) { dropFlag(c, "--window-position") }),
		variant("stealth-no-screen-info", func(c *config) { dropFlag(c, "--screen-info") }),
		variant("stealth-no-window-size-no-screen-info", func(c *config) { dropFlag(c, "--window-size"); dropFlag(c, "--screen-info") }),
		variant("stealth-locale-via-lang-flag-only", func(c *config) {
			c.Flags = append(c.Flags, "--lang="+stealthLocale)
			c.LocaleOverride, c.NoCDPAcceptLanguage = "", true
		}),
		variant("stealth-locale-via-accept-lang-flag-only", func(c *config) {
			c.Flags = append(c.Flags, "--accept-lang="+acceptLanguage(stealthLocale))
			c.LocaleOverride, c.NoCDPAcceptLanguage = "", true
		}),
		variant("stealth-no-cdp-accept-language", func(c *config) { c.NoCDPAcceptLanguage = true }),
		variant("stealth-no-cdp-locale-override", func(c *config) { c.LocaleOverride = "" }),
		variant("stealth-no-ua-flag", func(c *config) { dropFlag(c, "--user-agent") }),
		variant("stealth-no-cdp-ua", func(c *config) { c.UAOverride, c.UAOnWorkers = false, false }),
		variant("stealth-cdp-ua-pages-only", func(c *config) { c.UAOnWorkers = false }),
		variant("stealth-worker-ua-via-emulation", func(c *config) { c.WorkerUAMethod = "Emulation.setUserAgentOverride" }),
		variant("stealth-no-TZ-env", func(c *config) { c.Env = nil }),
		variant("stealth-no-TZ-env+tz-locale-on-workers", func(c *config) { c.Env = nil; c.TZOnWorkers = true }),
		variant("stealth-no-cdp-tz-locale", func(c *config) { c.TZOverride, c.LocaleOverride = "", "" }),
		variant("stealth-no-autoattach", func(c *config) { c.AutoAttach = false }),
		// Negative controls.
		variant("stealth+runtime-enable", func(c *config) { c.RuntimeEnable = true }),
		variant("stealth+stealth.min.js", func(c *config) { c.InjectJS = os.Getenv("STEALTH_JS") }),
	}
}

func main() {
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	var (
		dir      = flag.String("dir", "testdata/detect", "directory with the detection page")
		chromium = flag.String("chromium", "/usr/bin/chromium", "chromium binary")
		which    = flag.String("configs", "default,stealth", "comma-separated config names, or 'all'")
		full     = flag.Bool("full", false, "print the full window.__detect object")
		outDir   = flag.String("out", "", "if set, write <config>.json (full __detect) there")
		verbose  = flag.Bool("v", false, "log CDP traffic summary")
		timeout  = flag.Duration("timeout", 60*time.Second, "per-config timeout")
	)
	flag.StringVar(&stealthTZ, "tz", stealthTZ, "timezone for stealth configs (and page expectation)")
	flag.StringVar(&stealthLocale, "locale", stealthLocale, "locale for stealth configs (and page expectation)")
	flag.Parse()

	abs, err := filepath.Abs(*dir)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(abs, "detect.bundle.js")); err != nil {
		log.Fatalf("detect.bundle.js missing in %s (run npm ci && npm run build): %v", abs, err)
	}
	srv := newServer(abs)
	defer srv.Close()
	log.Printf("serving %s at %s", abs, srv.URL)

	all := configs()
	want := map[string]bool{}
	for _, n := range strings.Split(*which, ",") {
		want[strings.TrimSpace(n)] = true
	}
	exit := 0
	for _, c := range all {
		if !want["all"] && !want[c.Name] {
			continue
		}
		if c.InjectJS == "" && strings.HasSuffix(c.Name, "stealth.min.js") {
			if want["all"] {
				continue // needs STEALTH_JS=/path/to/stealth.min.js
			}
			log.Fatalf("%s needs STEALTH_JS=/path/to/stealth.min.js", c.Name)
		}
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		res, err := run(ctx, *chromium, srv, c, *verbose)
		cancel()
		if err != nil {
			log.Printf("config %s: %v", c.Name, err)
			exit = 1
			continue
		}
		if *outDir != "" {
			b, _ := json.MarshalIndent(res.Detect, "", "  ")
			_ = os.WriteFile(filepath.Join(*outDir, c.Name+".json"), b, 0o644)
		}
		printResult(c, res, *full)
	}
	os.Exit(exit)
}

// ---------------------------------------------------------------- server

type server struct {
	*httptest.Server
	mu  sync.Mutex
	nav map[string]map[string]string // path -> headers of last request
}

func newServer(dir string) *server {
	s := &server{nav: map[string]map[string]string{}}
	files := http.FileServer(http.Dir(dir))
	mux := http.NewServeMux()
	mux.HandleFunc("/headers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(headerMap(r.Header))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "node_modules") {
			http.NotFound(w, r)
			return
		}
		s.mu.Lock()
		s.nav[r.URL.Path] = headerMap(r.Header)
		s.mu.Unlock()
		// Ask for the high-entropy client hints; Critical-CH makes Chromium retry
		// the navigation so even the document request carries them.
		h := w.Header()
		h.Set("Accept-CH", "Sec-CH-UA-Full-Version-List, Sec-CH-UA-Platform-Version, Sec-CH-UA-Arch, Sec-CH-UA-Bitness, Sec-CH-UA-Model, Sec-CH-UA-Full-Version")
		h.Set("Critical-CH", "Sec-CH-UA-Full-Version-List")
		h.Set("Cache-Control", "no-store")
		files.ServeHTTP(w, r)
	})
	ts := httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	s.Server = ts
	return s
}

func (s *server) navHeaders(path string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nav[path]
}

func headerMap(h http.Header) map[string]string {
	m := map[string]string{}
	for k, v := range h {
		m[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	return m
}

// ---------------------------------------------------------------- CDP over pipe

type message struct {
	ID        int64           `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *cdpError       `json:"error,omitempty"`
}

type cdpError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *cdpError) Error() string { return fmt.Sprintf("cdp error %d: %s", e.Code, e.Message) }

type conn struct {
	w       io.Writer
	wmu     sync.Mutex
	next    atomic.Int64
	mu      sync.Mutex
	pending map[int64]chan *message
	events  chan *message
	closed  chan struct{}
	verbose bool
}

func newConn(r io.Reader, w io.Writer, verbose bool) *conn {
	c := &conn{w: w, pending: map[int64]chan *message{}, events: make(chan *message, 1024), closed: make(chan struct{}), verbose: verbose}
	go c.readLoop(r)
	return c
}

func (c *conn) readLoop(r io.Reader) {
	defer close(c.closed)
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		b, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		m := new(message)
		if err := json.Unmarshal(b[:len(b)-1], m); err != nil {
			log.Printf("bad CDP message: %v", err)
			continue
		}
		if m.ID != 0 {
			c.mu.Lock()
			ch := c.pending[m.ID]
			delete(c.pending, m.ID)
			c.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		select {
		case c.events <- m:
		default:
			log.Printf("event queue full, dropping %s", m.Method)
		}
	}
}

// send writes a command and returns a function that waits for its response.
// Commands to one session are processed in order by Chromium, so a caller can
// pipeline setup commands followed by Runtime.runIfWaitingForDebugger without
// waiting (some paused targets, e.g. service workers, only answer after resuming).
func (c *conn) send(session, method string, params any) (wait func(ctx context.Context, result any) error) {
	id := c.next.Add(1)
	raw := []byte("{}")
	if params != nil {
		var err error
		if raw, err = json.Marshal(params); err != nil {
			return func(context.Context, any) error { return err }
		}
	}
	b, err := json.Marshal(&message{ID: id, Method: method, Params: raw, SessionID: session})
	if err != nil {
		return func(context.Context, any) error { return err }
	}
	ch := make(chan *message, 1)
	c.mu.Lock()
	c.pending[id] = ch
	c.mu.Unlock()
	c.wmu.Lock()
	_, err = c.w.Write(append(b, 0))
	c.wmu.Unlock()
	if c.verbose {
		log.Printf("-> [%s] %s %s", short(session), method, trunc(string(raw), 200))
	}
	return func(ctx context.Context, result any) error {
		if err != nil {
			return err
		}
		select {
		case m := <-ch:
			if m.Error != nil {
				return fmt.Errorf("%s: %w", method, m.Error)
			}
			if result != nil {
				return json.Unmarshal(m.Result, result)
			}
			return nil
		case <-c.closed:
			return errors.New("browser connection closed")
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", method, ctx.Err())
		}
	}
}

func (c *conn) call(ctx context.Context, session, method string, params any, result any) error {
	return c.send(session, method, params)(ctx, result)
}

func short(s string) string {
	if len(s) > 8 {
		return s[:8]
	}
	if s == "" {
		return "browser"
	}
	return s
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// ---------------------------------------------------------------- browser

type browser struct {
	cmd  *exec.Cmd
	conn *conn
	tmp  string
	r, w *os.File
}

func launch(binary string, flags, env []string, verbose bool) (*browser, error) {
	tmp, err := os.MkdirTemp("", "stealthprobe-")
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"profile", "tmp", "crash"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o700); err != nil {
			return nil, err
		}
	}
	// fd 3: Chrome reads commands; fd 4: Chrome writes responses/events.
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	evR, evW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	args := append([]string{"--user-data-dir=" + filepath.Join(tmp, "profile")}, flags...)
	args = append(args, "about:blank")
	cmd := exec.Command(binary, args...)
	cmd.ExtraFiles = []*os.File{cmdR, evW}
	// TMPDIR for Chromium's scratch files; BREAKPAD_DUMP_LOCATION keeps the
	// crashpad database out of ~/.config/chromium.
	cmd.Env = append(filterEnv(os.Environ(), "TMPDIR", "TZ", "BREAKPAD_DUMP_LOCATION", "LANG", "LC_ALL", "LANGUAGE"),
		"TMPDIR="+filepath.Join(tmp, "tmp"), "BREAKPAD_DUMP_LOCATION="+filepath.Join(tmp, "crash"))
	cmd.Env = append(cmd.Env, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var stderr strings.Builder
	if verbose {
		cmd.Stderr = os.Stderr
	} else {
		cmd.Stderr = &limitedWriter{b: &stderr, n: 8192}
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	cmdR.Close()
	evW.Close()
	b := &browser{cmd: cmd, tmp: tmp, r: evR, w: cmdW}
	b.conn = newConn(evR, cmdW, verbose)
	return b, nil
}

type limitedWriter struct {
	b *strings.Builder
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.b.Len() < l.n {
		l.b.Write(p)
	}
	return len(p), nil
}

func filterEnv(env []string, drop ...string) []string {
	var out []string
outer:
	for _, e := range env {
		for _, d := range drop {
			if strings.HasPrefix(e, d+"=") {
				continue outer
			}
		}
		out = append(out, e)
	}
	return out
}

func (b *browser) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	_ = b.conn.call(ctx, "", "Browser.close", nil, nil)
	cancel()
	done := make(chan struct{})
	go func() { _ = b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	// Kill whatever is left in the process group (zygotes, renderers, GPU).
	_ = syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	b.w.Close()
	b.r.Close()
	os.RemoveAll(b.tmp)
}

// ---------------------------------------------------------------- run

type result struct {
	Flags      []string
	Env        []string
	Version    map[string]any
	Applied    []string
	NavHeaders map[string]string
	Detect     map[string]any
}

type targetInfo struct {
	TargetID string `json:"targetId"`
	Type     string `json:"type"`
	URL      string `json:"url"`
}

type attachedEvent struct {
	SessionID          string     `json:"sessionId"`
	TargetInfo         targetInfo `json:"targetInfo"`
	WaitingForDebugger bool       `json:"waitingForDebugger"`
	parent             string     // session that auto-attached it ("" = browser)
}

type uaOverride struct {
	UserAgent         string         `json:"userAgent"`
	AcceptLanguage    string         `json:"acceptLanguage,omitempty"`
	Platform          string         `json:"platform,omitempty"`
	UserAgentMetadata map[string]any `json:"userAgentMetadata,omitempty"`
}

func run(ctx context.Context, binary string, srv *server, c config, verbose bool) (*result, error) {
	flags := append(append([]string(nil), baseFlags...), c.Flags...)
	res := &result{Env: c.Env}
	var ua *uaOverride

	needUA := c.UAOverride
	for _, f := range flags {
		if strings.Contains(f, "@UA@") {
			needUA = true
		}
	}
	if needUA {
		// Learn the real version/brands from a throwaway browser (same flags
		// minus the UA flag) so the override matches the binary exactly.
		var bootFlags []string
		for _, f := range flags {
			if !strings.Contains(f, "@UA@") {
				bootFlags = append(bootFlags, f)
			}
		}
		var err error
		ua, err = learnUA(ctx, binary, srv.URL+"/headers", bootFlags, c.Env, verbose)
		if err != nil {
			return nil, fmt.Errorf("learn UA: %w", err)
		}
		if c.ExpectLocale != "" && !c.NoCDPAcceptLanguage {
			ua.AcceptLanguage = acceptLanguage(c.ExpectLocale)
		}
		for i, f := range flags {
			flags[i] = strings.ReplaceAll(f, "@UA@", ua.UserAgent)
		}
	}
	res.Flags = flags

	b, err := launch(binary, flags, c.Env, verbose)
	if err != nil {
		return nil, err
	}
	defer b.close()
	cn := b.conn

	if err := cn.call(ctx, "", "Browser.getVersion", nil, &res.Version); err != nil {
		return nil, err
	}

	var appliedMu sync.Mutex
	// applyAsync sends a command now and records its outcome when it arrives.
	applyAsync := func(session, ttype, method string, params any) <-chan struct{} {
		wait := cn.send(session, method, params)
		done := make(chan struct{})
		go func() {
			defer close(done)
			err := wait(ctx, nil)
			p, _ := json.Marshal(params)
			line := fmt.Sprintf("%-26s %s %s", ttype, method, trunc(string(p), 160))
			if err != nil {
				line += "  => ERROR " + err.Error()
			}
			appliedMu.Lock()
			res.Applied = append(res.Applied, line)
			appliedMu.Unlock()
		}()
		return done
	}
	apply := func(session, ttype, method string, params any) { <-applyAsync(session, ttype, method, params) }
	autoAttach := map[string]any{"autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true}

	// Configure every target as it gets attached (paused, when auto-attached).
	pageSession := make(chan string, 1)
	var pageTarget atomic.Value
	var kinds sync.Map // sessionId -> target type
	sessionKind := func(s string) string {
		if k, ok := kinds.Load(s); ok {
			return k.(string)
		}
		return "?"
	}
	configure := func(ev attachedEvent) {
		s, t := ev.SessionID, ev.TargetInfo.Type
		if ev.parent != "" {
			t += "(via " + sessionKind(ev.parent) + ")"
		} else if c.AutoAttach {
			t += "(via browser)"
		}
		kinds.Store(s, ev.TargetInfo.Type)
		var dones []<-chan struct{}
		switch ev.TargetInfo.Type {
		case "page", "iframe":
			if c.UAOverride && ua != nil {
				dones = append(dones, applyAsync(s, t, "Emulation.setUserAgentOverride", ua))
			}
			if c.TZOverride != "" {
				dones = append(dones, applyAsync(s, t, "Emulation.setTimezoneOverride", map[string]any{"timezoneId": c.TZOverride}))
			}
			if c.LocaleOverride != "" {
				dones = append(dones, applyAsync(s, t, "Emulation.setLocaleOverride", map[string]any{"locale": c.LocaleOverride}))
			}
			if c.InjectJS != "" {
				src, err := os.ReadFile(c.InjectJS)
				if err == nil {
					// Without Page.enable the script is not injected (observed on 156).
					dones = append(dones, applyAsync(s, t, "Page.enable", nil))
					dones = append(dones, applyAsync(s, t, "Page.addScriptToEvaluateOnNewDocument", map[string]any{"source": string(src)}))
				}
			}
			if c.AutoAttach {
				dones = append(dones, applyAsync(s, t, "Target.setAutoAttach", autoAttach))
			}
		case "worker", "shared_worker", "service_worker":
			if c.UAOnWorkers && ua != nil {
				m := c.WorkerUAMethod
				if m == "" {
					m = "Network.setUserAgentOverride"
				}
				dones = append(dones, applyAsync(s, t, m, ua))
			}
			if c.TZOnWorkers && c.TZOverride != "" {
				dones = append(dones, applyAsync(s, t, "Emulation.setTimezoneOverride", map[string]any{"timezoneId": c.TZOverride}))
			}
			if c.TZOnWorkers && c.LocaleOverride != "" {
				dones = append(dones, applyAsync(s, t, "Emulation.setLocaleOverride", map[string]any{"locale": c.LocaleOverride}))
			}
			if c.AutoAttach {
				dones = append(dones, applyAsync(s, t, "Target.setAutoAttach", autoAttach))
			}
		}
		if ev.WaitingForDebugger {
			dones = append(dones, applyAsync(s, t, "Runtime.runIfWaitingForDebugger", nil))
		}
		for _, d := range dones {
			<-d
		}
		if ev.TargetInfo.Type == "page" {
			if id, _ := pageTarget.Load().(string); id == ev.TargetInfo.TargetID {
				select {
				case pageSession <- s:
				default:
				}
			}
		}
	}

	var (
		pendMu        sync.Mutex
		pendingAttach = map[string]attachedEvent{} // arrived before createTarget returned
	)
	go func() {
		for {
			select {
			case <-cn.closed:
				return
			case m := <-cn.events:
				if verbose {
					log.Printf("<- [%s] %s %s", short(m.SessionID), m.Method, trunc(string(m.Params), 200))
				}
				if m.Method != "Target.attachedToTarget" || !c.AutoAttach {
					continue // without auto-attach, the only attach is our explicit one
				}
				var ev attachedEvent
				if json.Unmarshal(m.Params, &ev) != nil {
					continue
				}
				ev.parent = m.SessionID
				if ev.TargetInfo.Type == "page" && m.SessionID == "" {
					pendMu.Lock()
					if _, ok := pageTarget.Load().(string); !ok {
						pendingAttach[ev.TargetInfo.TargetID] = ev
						pendMu.Unlock()
						continue
					}
					pendMu.Unlock()
				}
				go configure(ev)
			}
		}
	}()

	if err := cn.call(ctx, "", "Target.setDiscoverTargets", map[string]any{"discover": true}, nil); err != nil {
		return nil, err
	}
	if c.AutoAttach {
		// Browser-level: catches new pages and service workers (paused until configured).
		apply("", "browser", "Target.setAutoAttach", autoAttach)
	}

	var created struct {
		TargetID string `json:"targetId"`
	}
	if err := cn.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &created); err != nil {
		return nil, err
	}
	pendMu.Lock()
	pageTarget.Store(created.TargetID)
	pend, hadPending := pendingAttach[created.TargetID]
	pendMu.Unlock()
	var session string
	if c.AutoAttach {
		if hadPending {
			go configure(pend)
		}
		select {
		case session = <-pageSession:
		case <-ctx.Done():
			return nil, errors.New("page was not auto-attached")
		}
	} else {
		var att struct {
			SessionID string `json:"sessionId"`
		}
		if err := cn.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": created.TargetID, "flatten": true}, &att); err != nil {
			return nil, err
		}
		session = att.SessionID
		configure(attachedEvent{SessionID: session, TargetInfo: targetInfo{TargetID: created.TargetID, Type: "page"}})
		<-pageSession
	}
	if c.RuntimeEnable {
		apply(session, "page", "Runtime.enable", nil)
	}

	q := url.Values{}
	if c.ExpectTZ != "" {
		q.Set("tz", c.ExpectTZ)
	}
	if c.ExpectLocale != "" {
		q.Set("locale", c.ExpectLocale)
	}
	pageURL := srv.URL + "/?" + q.Encode()
	if err := cn.call(ctx, session, "Page.navigate", map[string]any{"url": pageURL}, nil); err != nil {
		return nil, err
	}

	// Wait for the bundle to publish __detectReady, then await it.
	for {
		var ev evalResult
		err := cn.call(ctx, session, "Runtime.evaluate", map[string]any{
			"expression":    "location.href === " + jsString(pageURL) + " && typeof window.__detectReady",
			"returnByValue": true,
		}, &ev)
		if err == nil && ev.Result.Value == "object" {
			break
		}
		select {
		case <-ctx.Done():
			return nil, errors.New("timed out waiting for window.__detectReady")
		case <-time.After(200 * time.Millisecond):
		}
	}
	var ev evalResult
	if err := cn.call(ctx, session, "Runtime.evaluate", map[string]any{
		"expression":    "window.__detectReady",
		"awaitPromise":  true,
		"returnByValue": true,
	}, &ev); err != nil {
		return nil, err
	}
	if ev.ExceptionDetails != nil {
		return nil, fmt.Errorf("evaluate: %s", ev.ExceptionDetails)
	}
	m, ok := ev.Result.Value.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("unexpected __detect value %T", ev.Result.Value)
	}
	res.Detect = m
	res.NavHeaders = srv.navHeaders("/")
	return res, nil
}

// acceptLanguage gives the list Chromium derives for a locale: en-US -> "en-US,en".
func acceptLanguage(locale string) string {
	if i := strings.IndexByte(locale, '-'); i > 0 {
		return locale + "," + locale[:i]
	}
	return locale
}

type evalResult struct {
	Result struct {
		Type  string `json:"type"`
		Value any    `json:"value"`
	} `json:"result"`
	ExceptionDetails json.RawMessage `json:"exceptionDetails"`
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var headlessRe = regexp.MustCompile(`HeadlessChrome`)

// learnUA starts a throwaway browser, reads the real UA and UA-CH values from
// an about:blank page, and derives an override without "Headless".
// navigator.userAgentData only exists in secure contexts, so the page is
// navigated to the local server (http://127.0.0.1 counts as secure) first.
func learnUA(ctx context.Context, binary, secureURL string, flags, env []string, verbose bool) (*uaOverride, error) {
	b, err := launch(binary, flags, env, verbose)
	if err != nil {
		return nil, err
	}
	defer b.close()
	cn := b.conn
	var created struct {
		TargetID string `json:"targetId"`
	}
	if err := cn.call(ctx, "", "Target.createTarget", map[string]any{"url": secureURL}, &created); err != nil {
		return nil, err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := cn.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": created.TargetID, "flatten": true}, &att); err != nil {
		return nil, err
	}
	var ev evalResult
	for i := 0; ; i++ {
		ev = evalResult{}
		err = cn.call(ctx, att.SessionID, "Runtime.evaluate", map[string]any{
			"expression": `(async () => ({ua: navigator.userAgent, platform: navigator.platform,
			hev: await navigator.userAgentData.getHighEntropyValues(['architecture','bitness','brands','fullVersionList','mobile','model','platform','platformVersion','uaFullVersion','wow64'])}))()`,
			"awaitPromise": true, "returnByValue": true,
		}, &ev)
		if err == nil && ev.ExceptionDetails == nil && ev.Result.Value != nil {
			break
		}
		if i == 50 {
			return nil, fmt.Errorf("evaluate UA: err=%v exception=%s", err, ev.ExceptionDetails)
		}
		time.Sleep(100 * time.Millisecond)
	}
	raw, _ := json.Marshal(ev.Result.Value)
	var v struct {
		UA       string `json:"ua"`
		Platform string `json:"platform"`
		HEV      struct {
			Architecture    string `json:"architecture"`
			Bitness         string `json:"bitness"`
			Brands          []map[string]string
			FullVersionList []map[string]string `json:"fullVersionList"`
			Mobile          bool                `json:"mobile"`
			Model           string              `json:"model"`
			Platform        string              `json:"platform"`
			PlatformVersion string              `json:"platformVersion"`
			UAFullVersion   string              `json:"uaFullVersion"`
			Wow64           bool                `json:"wow64"`
		} `json:"hev"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.UA == "" {
		return nil, fmt.Errorf("decode UA info %s: %v", raw, err)
	}
	strip := func(in []map[string]string) []map[string]string {
		var out []map[string]string
		for _, b := range in {
			if strings.Contains(b["brand"], "Headless") {
				continue
			}
			out = append(out, b)
		}
		return out
	}
	return &uaOverride{
		UserAgent: headlessRe.ReplaceAllString(v.UA, "Chrome"),
		Platform:  v.Platform,
		UserAgentMetadata: map[string]any{
			"brands":          strip(v.HEV.Brands),
			"fullVersionList": strip(v.HEV.FullVersionList),
			"fullVersion":     v.HEV.UAFullVersion,
			"platform":        v.HEV.Platform,
			"platformVersion": v.HEV.PlatformVersion,
			"architecture":    v.HEV.Architecture,
			"model":           v.HEV.Model,
			"mobile":          v.HEV.Mobile,
			"bitness":         v.HEV.Bitness,
			"wow64":           v.HEV.Wow64,
		},
	}, nil
}

// ---------------------------------------------------------------- output

func printResult(c config, r *result, full bool) {
	d := r.Detect
	summary := map[string]any{
		"config":  c.Name,
		"flags":   r.Flags,
		"env":     r.Env,
		"product": r.Version["product"],
		"pass":    d["pass"],
		"failed":  d["failed"],
		"errors":  d["errors"],
	}
	if bd, ok := d["botd"].(map[string]any); ok {
		summary["botd"] = map[string]any{"result": bd["result"], "fired": bd["fired"]}
	}
	if fp, ok := d["fpscanner"].(map[string]any); ok {
		summary["fpscanner"] = map[string]any{"fastBotDetection": fp["fastBotDetection"], "fired": fp["fired"]}
	}
	summary["cdpApplied"] = r.Applied
	summary["navigationHeaders"] = pick(r.NavHeaders, "user-agent", "sec-ch-ua", "sec-ch-ua-platform", "sec-ch-ua-full-version-list", "accept-language")
	if p, ok := d["page"].(map[string]any); ok {
		summary["page"] = map[string]any{"navigator": p["navigator"], "screen": p["screen"], "intl": p["intl"], "userAgentData": p["userAgentData"]}
	}
	if h, ok := d["headers"].(map[string]any); ok {
		if ph, ok := h["page"].(map[string]any); ok {
			summary["pageFetchHeaders"] = pickAny(ph, "user-agent", "sec-ch-ua", "sec-ch-ua-platform", "sec-ch-ua-full-version-list", "accept-language")
		}
	}
	for _, k := range []string{"worker", "serviceWorker"} {
		if w, ok := d[k].(map[string]any); ok {
			summary[k] = map[string]any{"navigator": w["navigator"], "intl": w["intl"], "userAgentData": w["userAgentData"], "headers": w["headers"]}
		}
	}
	if full {
		summary["detect"] = d
	}
	b, _ := json.MarshalIndent(summary, "", "  ")
	fmt.Printf("===== %s =====\n%s\n", c.Name, b)
}

func pick(m map[string]string, keys ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

func pickAny(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	ks := append([]string(nil), keys...)
	sort.Strings(ks)
	for _, k := range ks {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}
