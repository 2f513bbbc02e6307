// Package server is the sessionql server as one unit: its configuration
// (flags, environment variables and their defaults) and Run, which opens
// the pieces and serves. cmd/sessionql calls it, and so do tests and
// examples, which start it on 127.0.0.1:0 rather than copying the wiring.
package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/sessions"
	"github.com/sessionql/sessionql/sessions/profilestore"
)

// Config is everything the server is told at start. Each field is one flag;
// its environment variable is the flag's name in capitals with dashes as
// underscores (--max-browsers, MAX_BROWSERS).
type Config struct {
	Addr, Token, DataDir, Chrome, PublicURL string
	MaxBrowsers, MaxSessions, Queue         int
	MaxAnswerBytes, MaxStateBytes, MaxTabs  int
	LogMaxBytes                             int
	RecordingMaxBytes                       int
	LogRetention                            time.Duration
	IdleTimeout, QueueTimeout, MaxTTL       time.Duration
	BodyTimeout                             time.Duration
	Insecure                                bool
	BrowserUser                             string // see engine.CheckBrowserUser
	AllowFileURLs, BlockPrivateNetworks     bool
	LogFormat, LogLevel                     string
	MetricsPublic                           bool
	MetricsAddr                             string
	CORSOrigins                             []string
	StateKey                                []byte
	AdLists                                 []string
	DatabaseURL, ProfileStore, S3Endpoint   string // see openStores
	MaxProfileSize                          int
	corsOrigins, stateKey, adLists          string // as given
	version                                 bool
}

// flags defines one flag per setting; adding a setting is one line here.
func (c *Config) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("sessionql", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:3000", "address to listen on")
	fs.StringVar(&c.Token, "token", "", "token clients must send; empty turns auth off")
	fs.StringVar(&c.DataDir, "data-dir", "./data", "session store and profiles")
	fs.StringVar(&c.Chrome, "chrome-path", "", "Chromium binary; empty: the first of chromium, chromium-browser, google-chrome on PATH")
	fs.StringVar(&c.PublicURL, "public-url", "", "URL clients reach the server at; empty: from each request")
	fs.IntVar(&c.MaxBrowsers, "max-browsers", defaultMaxBrowsers(), "live browsers at once; default from the machine's processors and memory")
	fs.IntVar(&c.MaxSessions, "max-sessions", 10000, "sessions in the store")
	fs.IntVar(&c.Queue, "queue", 100, "requests that may wait for a browser slot")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", time.Minute, "hibernate a browser idle this long")
	fs.DurationVar(&c.QueueTimeout, "queue-timeout", 30*time.Second, "how long a request waits for a browser slot")
	fs.DurationVar(&c.MaxTTL, "max-ttl", 90*24*time.Hour, "longest session TTL")
	fs.DurationVar(&c.BodyTimeout, "body-timeout", 30*time.Second, "how long a client may take to send a request body")
	fs.IntVar(&c.MaxAnswerBytes, "max-answer-bytes", engine.DefaultMaxAnswerBytes, "largest BrowserQL answer, and largest browser reply to one step")
	fs.IntVar(&c.MaxStateBytes, "max-state-bytes", sessions.DefaultMaxStateBytes, "largest cookies and storage kept per session")
	fs.IntVar(&c.MaxTabs, "max-tabs", engine.DefaultMaxTabs, "tabs one session's browser may have open")
	fs.DurationVar(&c.LogRetention, "log-retention", sessions.DefaultLogRetention, "how long a session's events are kept after it ends")
	fs.IntVar(&c.LogMaxBytes, "log-max-bytes", sessions.DefaultLogMaxBytes, "most bytes of events kept per session; the oldest go first")
	fs.IntVar(&c.RecordingMaxBytes, "recording-max-bytes", sessions.DefaultRecordingMaxBytes, "most bytes of a session's recording kept; at the bound the recording stops and says truncated")
	fs.StringVar(&c.corsOrigins, "cors-origins", "", "comma-separated origins whose pages may call the API")
	fs.StringVar(&c.stateKey, "state-key", "", "32-byte key (base64 or hex) that encrypts saved cookies and storage")
	fs.BoolVar(&c.Insecure, "insecure", false, "allow a non-loopback address without a token")
	fs.StringVar(&c.BrowserUser, "browser-user", engine.DefaultBrowserUser, "user browsers run as when the server runs as root; root opts out")
	fs.BoolVar(&c.AllowFileURLs, "allow-file-urls", false, "let sessions open file:, chrome: and other browser-internal URLs")
	fs.BoolVar(&c.BlockPrivateNetworks, "block-private-networks", false, "refuse sessions' requests to private, loopback and link-local addresses")
	fs.StringVar(&c.adLists, "block-ads-lists", "", "comma-separated filter lists (EasyList format) for sessions with blockAds; empty: EasyList and EasyPrivacy as scripts/setup.sh installs them")
	fs.StringVar(&c.DatabaseURL, "database-url", "", "PostgreSQL URL for session records and state; empty: a bbolt file in the data dir")
	fs.StringVar(&c.ProfileStore, "profile-store", "", "s3://bucket/prefix or file:///dir for hibernated profiles; empty: the data dir")
	fs.StringVar(&c.S3Endpoint, "s3-endpoint", "", "S3-compatible endpoint of profile-store, e.g. http://127.0.0.1:7070; empty: AWS")
	fs.IntVar(&c.MaxProfileSize, "max-profile-size", profilestore.DefaultMaxProfileSize, "largest hibernated profile profile-store keeps")
	fs.StringVar(&c.LogFormat, "log-format", "text", "log lines as text or json")
	fs.StringVar(&c.LogLevel, "log-level", "info", "least important log level written: debug, info, warn or error")
	fs.BoolVar(&c.MetricsPublic, "metrics-public", false, "serve /metrics without the token")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "also serve /metrics, without the token, on this address")
	return fs
}

// flagAliases are older flag names still accepted.
var flagAliases = map[string]string{"chrome": "chrome-path"}

// envAliases are Browserless's variable names, read when the setting's own
// variable and flag are not given.
var envAliases = []struct {
	env, flag string
	convert   func(string) (string, error)
}{
	{"PORT", "addr", func(v string) (string, error) { return ":" + v, nil }},
	{"CONCURRENT", "max-browsers", same},
	{"QUEUED", "queue", same},
	{"TIMEOUT", "max-ttl", milliseconds},
}

func same(v string) (string, error) { return v, nil }

// milliseconds reads a Browserless timeout (ms; -1 means none, which leaves
// the default) as a Go duration.
func milliseconds(v string) (string, error) {
	var ms int64
	if _, err := fmt.Sscan(v, &ms); err != nil {
		return "", fmt.Errorf("must be milliseconds, not %q", v)
	}
	if ms < 0 {
		return "", nil
	}
	return (time.Duration(ms) * time.Millisecond).String(), nil
}

// ErrHelp is what Parse returns after it printed the help or the version:
// the program should exit 0.
var ErrHelp = flag.ErrHelp

// Parse reads the configuration from args and the environment; flags win
// over variables, which win over Browserless's names, which win over
// defaults. With --help or --version it writes to out and returns ErrHelp.
func Parse(ctx context.Context, args []string, out io.Writer) (Config, error) {
	var c Config
	fs := c.flags()
	fs.SetOutput(io.Discard)
	args, c.version = cutVersion(args)
	err := ff.Parse(fs, rewriteAliases(args), ff.WithEnvVars())
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(fs, out)
		return c, ErrHelp
	case err != nil:
		return c, friendlyError(fs, err)
	}
	if err := applyEnvAliases(fs); err != nil {
		return c, err
	}
	if c.version {
		printVersion(ctx, out, c.Chrome)
		return c, ErrHelp
	}
	return c, c.validate()
}

// cutVersion takes --version out of args. It is not a flag, so that a
// VERSION variable in the environment does not turn the server into
// a version printer.
func cutVersion(args []string) (rest []string, version bool) {
	for _, a := range args {
		if a == "--version" || a == "-version" {
			version = true
			continue
		}
		rest = append(rest, a)
	}
	return rest, version
}

// badEnv finds the variable in ff's error about a value it could not set.
var badEnv = regexp.MustCompile(`environment variable "([A-Z0-9_]+)"`)

// friendlyError says which variable or flag is wrong and what it takes.
func friendlyError(fs *flag.FlagSet, err error) error {
	m := badEnv.FindStringSubmatch(err.Error())
	if m == nil {
		return errors.New(strings.TrimPrefix(err.Error(), "error parsing commandline arguments: "))
	}
	takes := "a valid value"
	if f := fs.Lookup(strings.ToLower(strings.ReplaceAll(m[1], "_", "-"))); f != nil {
		switch f.Value.(flag.Getter).Get().(type) {
		case int:
			takes = "a whole number"
		case time.Duration:
			takes = "a duration such as 60s or 2h"
		case bool:
			takes = "true or false"
		}
	}
	return fmt.Errorf("%s must be %s, not %q", m[1], takes, os.Getenv(m[1]))
}

// rewriteAliases replaces old flag names by their current ones.
func rewriteAliases(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if current, ok := flagAliases[name]; ok && strings.HasPrefix(a, "-") {
			a = "--" + current
			if hasValue {
				a += "=" + value
			}
		}
		out[i] = a
	}
	return out
}

// applyEnvAliases sets each flag nobody gave from its Browserless name.
func applyEnvAliases(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, a := range envAliases {
		v := os.Getenv(a.env)
		if v == "" || given[a.flag] {
			continue
		}
		converted, err := a.convert(v)
		if err == nil && converted != "" {
			err = fs.Set(a.flag, converted)
		}
		if err != nil {
			return fmt.Errorf("%s (Browserless's name for %s): %w", a.env, envName(a.flag), err)
		}
	}
	return nil
}

// envName is the environment variable of a flag.
func envName(flagName string) string {
	return strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// usage lists every flag with its variable and default.
func usage(fs *flag.FlagSet, out io.Writer) {
	fmt.Fprintln(out, "Usage: sessionql [flags]\n       sessionql check [--data-dir DIR] [--repair]\n\nEvery flag can be set by its environment variable; a flag given wins.\n\nFlags:")
	fs.VisitAll(func(f *flag.Flag) {
		def := f.DefValue
		if def == "" {
			def = "none"
		}
		fmt.Fprintf(out, "  --%s / $%s (default %s)\n      %s\n", f.Name, envName(f.Name), def, f.Usage)
	})
	fmt.Fprintln(out, "\nBrowserless's names are accepted when the setting's own is not given:")
	for _, a := range envAliases {
		fmt.Fprintf(out, "  $%s for $%s\n", a.env, envName(a.flag))
	}
	fmt.Fprintln(out, "  --chrome for --chrome-path\n\n  --version prints the version and the Chromium found; --help this text.")
}
