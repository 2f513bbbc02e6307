package api

import (
	"bytes"
	"encoding/json"
	"math"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones for timezone validation on any machine
	"unicode/utf8"

	"github.com/sessionql/sessionql/sessions"
	"golang.org/x/text/language"
)

// createRequest is the body of POST /session.
type createRequest struct {
	TTL          *float64            `json:"ttl"`
	Stealth      bool                `json:"stealth"`
	Headless     *bool               `json:"headless"`
	Browser      string              `json:"browser"`
	BlockAds     bool                `json:"blockAds"`
	Args         []string            `json:"args"`
	Proxy        *proxyRequest       `json:"proxy"`
	UserMetadata json.RawMessage     `json:"userMetadata"`
	Viewport     *sessions.Viewport  `json:"viewport"`
	UserAgent    string              `json:"userAgent"`
	Timezone     string              `json:"timezone"`
	Locale       string              `json:"locale"`
	StartURL     string              `json:"startUrl"`
	Logs         sessions.LogOptions `json:"logs"`
	Record       bool                `json:"record"`

	isNull bool // the body was JSON null, which is not a set of options
}

// UnmarshalJSON reads the options object, unknown fields refused, and notes
// a body of null, which options refuses: a client that sends null most
// likely meant to send something else.
func (c *createRequest) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		c.isNull = true
		return nil
	}
	type plain createRequest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode((*plain)(c))
}

// createQuery are the query parameters POST /session takes: the API token.
// Options go in the body, so a parameter such as ?stealth=true would
// otherwise be silently ignored.
var createQuery = map[string]bool{"token": true}

// checkCreateQuery refuses query parameters POST /session does not take,
// naming them.
func checkCreateQuery(q url.Values) error {
	var unknown []string
	for name := range q {
		if !createQuery[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return invalid("Unknown query parameter(s) %s: session options go in the JSON body, as in {\"stealth\": true}.", strings.Join(unknown, ", "))
}

type proxyRequest struct {
	Server   string   `json:"server"`
	Username string   `json:"username"`
	Password string   `json:"password"`
	Bypass   []string `json:"bypass"`
}

// minTTL is the shortest session life: a TTL under it is most likely
// seconds sent where milliseconds are asked for.
const minTTL = time.Second

// maxMetadata is the longest userMetadata, serialised.
const maxMetadata = 512

// refusedFlags would break isolation or security: a second debugging
// endpoint, another profile, commands run by Chromium, or no web security.
var refusedFlags = []string{
	"--remote-debugging", "--user-data-dir", "--profile-directory", "--remote-allow-origins",
	"--disable-web-security", "--allow-file-access", "--renderer-cmd-prefix", "--utility-cmd-prefix",
	"--gpu-launcher", "--browser-subprocess-path", "--load-extension", "--disk-cache-dir",
	"--crash-dumps-dir", "--log-file", "--enable-logging", "--single-process", "--proxy-server",
	"--headless", "--disable-extensions-except", "--user-agent", "--no-sandbox", "--enable-automation",
}

// options validates a create request and fills in the defaults.
func (c *createRequest) options(cfg Config) (sessions.Options, time.Duration, error) {
	if c.isNull {
		return sessions.Options{}, 0, invalid("The body must be a JSON object of session options, not null; send {} for the defaults.")
	}
	ttl, err := validTTL(c.TTL, 300000, cfg.MaxTTL)
	if err != nil {
		return sessions.Options{}, 0, err
	}
	o := sessions.Options{Stealth: c.Stealth, Headless: c.Headless == nil || *c.Headless, BlockAds: c.BlockAds,
		UserAgent: c.UserAgent, StartURL: c.StartURL, Logs: c.Logs, Record: c.Record}
	for _, check := range []func(*sessions.Options, Config) error{
		c.browser, c.args, c.proxy, c.viewport, c.userAgent, c.timezone, c.locale, c.startURL, c.display,
	} {
		if err := check(&o, cfg); err != nil {
			return sessions.Options{}, 0, err
		}
	}
	return o, ttl, validMetadata(c.UserMetadata)
}

func validTTL(ms *float64, def float64, maxTTL time.Duration) (time.Duration, error) {
	v := def
	if ms != nil {
		v = *ms
	}
	d := time.Duration(v * float64(time.Millisecond))
	if math.IsNaN(v) || v > float64(maxTTL.Milliseconds()) {
		return 0, invalid("ttl must be a number of milliseconds from %d to %d (the server's max TTL).", minTTL.Milliseconds(), maxTTL.Milliseconds())
	}
	if d < minTTL {
		return 0, invalid("ttl is in milliseconds and must be at least %d (1 second); %v ms is too short (for %v seconds, send %v).", minTTL.Milliseconds(), v, v, v*1000)
	}
	return d, nil
}

func validMetadata(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if raw[0] != '{' {
		return invalid("userMetadata must be a JSON object.")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return invalid("userMetadata must be a JSON object.")
	}
	if n := utf8.RuneCount(compact.Bytes()); n > maxMetadata {
		return invalid("userMetadata is %d characters when serialised; the limit is %d.", n, maxMetadata)
	}
	return nil
}

func (c *createRequest) browser(o *sessions.Options, cfg Config) error {
	switch c.Browser {
	case "", "chromium":
		o.Browser = "chromium"
	case "chrome":
		if cfg.ChromeStable == "" && sessions.FindChromeStable() == "" {
			return invalid("browser \"chrome\" is not installed on this server; use \"chromium\".")
		}
		o.Browser = "chrome"
	default:
		return invalid("browser must be \"chromium\" or \"chrome\", not %q.", c.Browser)
	}
	return nil
}

func (c *createRequest) args(o *sessions.Options, _ Config) error {
	if len(c.Args) > 64 {
		return invalid("args may hold at most 64 flags.")
	}
	for _, a := range c.Args {
		if !strings.HasPrefix(a, "--") || len(a) > 1024 || strings.ContainsAny(a, "\x00\n\r") {
			return invalid("args must be Chromium flags that start with --, such as --lang=de; %q is not.", a)
		}
		for _, refused := range refusedFlags {
			if strings.HasPrefix(strings.ToLower(a), refused) {
				return invalid("The flag %s is refused: it would break the session's isolation or security (use the matching session field where there is one).", a)
			}
		}
	}
	o.Args = append([]string{}, c.Args...)
	return nil
}

func (c *createRequest) proxy(o *sessions.Options, _ Config) error {
	if c.Proxy == nil {
		return nil
	}
	u, err := url.Parse(c.Proxy.Server)
	if err != nil || u.Host == "" || u.Port() == "" || !oneOf(u.Scheme, "http", "https", "socks4", "socks5") {
		return invalid("proxy.server must look like http://host:port (schemes http, https, socks4, socks5), not %q.", c.Proxy.Server)
	}
	for _, b := range c.Proxy.Bypass {
		if b == "" || strings.ContainsAny(b, ";, \x00\n") {
			return invalid("proxy.bypass entries must be host patterns such as *.example.com, not %q.", b)
		}
	}
	o.Proxy = &sessions.Proxy{Server: c.Proxy.Server, Username: c.Proxy.Username, Password: c.Proxy.Password, Bypass: c.Proxy.Bypass}
	return nil
}

func (c *createRequest) viewport(o *sessions.Options, _ Config) error {
	o.Viewport = sessions.Viewport{Width: 1280, Height: 720}
	if c.Stealth {
		o.Viewport = sessions.Viewport{Width: 1920, Height: 1080}
	}
	if c.Viewport == nil {
		return nil
	}
	v := *c.Viewport
	if v.Width < 100 || v.Width > 7680 || v.Height < 100 || v.Height > 4320 {
		return invalid("viewport width must be 100 to 7680 and height 100 to 4320, not %dx%d.", v.Width, v.Height)
	}
	if v.DeviceScaleFactor < 0 || v.DeviceScaleFactor > 5 {
		return invalid("viewport.deviceScaleFactor must be between 0 and 5.")
	}
	o.Viewport = v
	return nil
}

func (c *createRequest) userAgent(_ *sessions.Options, _ Config) error {
	if len(c.UserAgent) > 1024 || strings.ContainsAny(c.UserAgent, "\x00\r\n") {
		return invalid("userAgent must be one line of at most 1024 characters.")
	}
	return nil
}

func (c *createRequest) timezone(o *sessions.Options, _ Config) error {
	if c.Timezone == "" {
		return nil
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "Local" || !strings.Contains(c.Timezone, "/") && c.Timezone != "UTC" {
		return invalid("timezone must be an IANA zone such as Europe/Berlin, not %q.", c.Timezone)
	}
	o.Timezone = c.Timezone
	return nil
}

func (c *createRequest) locale(o *sessions.Options, _ Config) error {
	if c.Locale == "" {
		return nil
	}
	tag, err := language.Parse(c.Locale)
	if err != nil {
		return invalid("locale must be a BCP 47 tag such as de-DE, not %q.", c.Locale)
	}
	o.Locale = tag.String()
	return nil
}

func (c *createRequest) startURL(_ *sessions.Options, _ Config) error {
	if c.StartURL == "" {
		return nil
	}
	u, err := url.Parse(c.StartURL)
	if err != nil || !oneOf(u.Scheme, "http", "https") || u.Host == "" {
		return invalid("startUrl must be an absolute http or https URL, not %q.", c.StartURL)
	}
	return nil
}

func (c *createRequest) display(o *sessions.Options, _ Config) error {
	if !o.Headless && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return invalid("headless: false needs a display, and this server has none (DISPLAY is not set).")
	}
	return nil
}

func oneOf(s string, options ...string) bool {
	for _, o := range options {
		if s == o {
			return true
		}
	}
	return false
}
