package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/sessions"
)

// config is everything the server is told at start, from flags with
// environment variables as defaults.
type config struct {
	Addr, Token, DataDir, Chrome, PublicURL string
	MaxBrowsers, MaxSessions, Queue         int
	MaxAnswerBytes, MaxStateBytes, MaxTabs  int
	IdleTimeout, QueueTimeout, MaxTTL       time.Duration
	BodyTimeout                             time.Duration
	Insecure                                bool
	BrowserUser                             string // see engine.CheckBrowserUser
	AllowFileURLs, BlockPrivateNetworks     bool
	CORSOrigins                             []string
	StateKey                                []byte
	AdLists                                 []string
	corsOrigins, stateKey, adLists          string // as given
}

func parseConfig(args []string, getenv func(string) string) (config, error) {
	var c config
	fs := flag.NewFlagSet("sessionql", flag.ContinueOnError)
	str := func(p *string, name, env, def, usage string) {
		fs.StringVar(p, name, or(getenv(env), def), usage+" ($"+env+")")
	}
	str(&c.Addr, "addr", "ADDR", "127.0.0.1:3000", "address to listen on")
	str(&c.Token, "token", "TOKEN", "", "token clients must send; empty turns auth off")
	str(&c.DataDir, "data-dir", "DATA_DIR", "./data", "session store and profiles")
	str(&c.Chrome, "chrome", "CHROME_PATH", "", "Chromium binary (default: found on PATH)")
	str(&c.PublicURL, "public-url", "PUBLIC_URL", "", "URL clients reach the server at (default: from each request)")
	str(&c.corsOrigins, "cors-origins", "CORS_ORIGINS", "", "comma-separated origins whose pages may call the API")
	str(&c.stateKey, "state-key", "STATE_KEY", "", "32-byte key (base64 or hex) that encrypts saved cookies and storage")
	ints := map[string]*int{}
	for _, f := range []struct {
		p         *int
		name, env string
		def       int
		usage     string
	}{
		{&c.MaxBrowsers, "max-browsers", "MAX_BROWSERS", defaultMaxBrowsers(), "live browsers at once"},
		{&c.MaxSessions, "max-sessions", "MAX_SESSIONS", 10000, "sessions in the store"},
		{&c.Queue, "queue", "QUEUE", 100, "requests that may wait for a browser slot"},
		{&c.MaxAnswerBytes, "max-answer-bytes", "MAX_ANSWER_BYTES", engine.DefaultMaxAnswerBytes, "largest BrowserQL answer, and largest browser reply to one step"},
		{&c.MaxStateBytes, "max-state-bytes", "MAX_STATE_BYTES", sessions.DefaultMaxStateBytes, "largest cookies and storage kept per session"},
		{&c.MaxTabs, "max-tabs", "MAX_TABS", engine.DefaultMaxTabs, "tabs one session's browser may have open"},
	} {
		fs.IntVar(f.p, f.name, f.def, f.usage+" ($"+f.env+")")
		ints[f.env] = f.p
	}
	durs := map[string]*time.Duration{}
	for _, f := range []struct {
		p         *time.Duration
		name, env string
		def       time.Duration
		usage     string
	}{
		{&c.IdleTimeout, "idle-timeout", "IDLE_TIMEOUT", time.Minute, "hibernate a browser idle this long"},
		{&c.QueueTimeout, "queue-timeout", "QUEUE_TIMEOUT", 30 * time.Second, "how long a request waits for a slot"},
		{&c.MaxTTL, "max-ttl", "MAX_TTL", 90 * 24 * time.Hour, "longest session TTL"},
		{&c.BodyTimeout, "body-timeout", "BODY_TIMEOUT", 30 * time.Second, "how long a client may take to send a request body"},
	} {
		fs.DurationVar(f.p, f.name, f.def, f.usage+" ($"+f.env+")")
		durs[f.env] = f.p
	}
	fs.BoolVar(&c.Insecure, "insecure", getenv("INSECURE") == "true", "allow a non-loopback address without a token ($INSECURE)")
	str(&c.BrowserUser, "browser-user", "BROWSER_USER", engine.DefaultBrowserUser, "user browsers run as when the server runs as root; root opts out")
	fs.BoolVar(&c.AllowFileURLs, "allow-file-urls", getenv("ALLOW_FILE_URLS") == "true", "let sessions open file:, chrome: and other browser-internal URLs ($ALLOW_FILE_URLS)")
	fs.BoolVar(&c.BlockPrivateNetworks, "block-private-networks", getenv("BLOCK_PRIVATE_NETWORKS") == "true", "refuse sessions' requests to private, loopback and link-local addresses ($BLOCK_PRIVATE_NETWORKS)")
	str(&c.adLists, "block-ads-lists", "BLOCK_ADS_LISTS", "", "comma-separated filter lists (EasyList format) for sessions with blockAds; empty for Debian's EasyList and EasyPrivacy")
	if err := envDefaults(getenv, ints, durs); err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.validate()
}

// envDefaults applies numeric environment variables; flags given on the
// command line still win because they are parsed after.
func envDefaults(getenv func(string) string, ints map[string]*int, durs map[string]*time.Duration) error {
	for env, p := range ints {
		if v := getenv(env); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%s must be a whole number, not %q", env, v)
			}
			*p = n
		}
	}
	for env, p := range durs {
		if v := getenv(env); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%s must be a duration such as 60s, not %q", env, v)
			}
			*p = d
		}
	}
	return nil
}

func (c *config) validate() error {
	if c.MaxBrowsers < 1 || c.MaxSessions < 1 || c.Queue < 0 || c.IdleTimeout <= 0 || c.QueueTimeout <= 0 || c.MaxTTL <= 0 || c.BodyTimeout <= 0 {
		return errors.New("max-browsers and max-sessions must be at least 1, queue at least 0, and the durations positive")
	}
	if c.MaxAnswerBytes < 1<<20 || c.MaxStateBytes < 64<<10 || c.MaxTabs < 1 {
		return errors.New("max-answer-bytes must be at least 1048576, max-state-bytes at least 65536 and max-tabs at least 1")
	}
	if err := c.validateSecurity(); err != nil {
		return err
	}
	if err := c.readAdLists(); err != nil {
		return err
	}
	if c.Token == "" && !c.Insecure && !loopback(c.Addr) {
		return fmt.Errorf("refusing to listen on %s without a token: set --token, or --insecure if you mean it", c.Addr)
	}
	if c.Chrome == "" {
		c.Chrome = findChrome()
	}
	if c.Chrome == "" {
		return errors.New("no Chromium found on PATH (chromium, chromium-browser, google-chrome); install it or set --chrome")
	}
	return nil
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func findChrome() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// defaultMaxBrowsers allows one live browser per 512 MiB of memory, within
// 1 and 64.
func defaultMaxBrowsers() int {
	raw, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 4
	}
	var kb int
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "MemTotal:") {
			kb, _ = strconv.Atoi(strings.Fields(line)[1])
		}
	}
	return min(max(kb/(512*1024), 1), 64)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// readAdLists checks that the filter lists BLOCK_ADS_LISTS names exist.
func (c *config) readAdLists() error {
	for _, p := range strings.Split(c.adLists, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("BLOCK_ADS_LISTS: %w", err)
		}
		c.AdLists = append(c.AdLists, p)
	}
	return nil
}
