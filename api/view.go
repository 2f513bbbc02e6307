package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sessionql/sessionql/sessions"
)

// sessionView is the session object of the SPEC.
type sessionView struct {
	ID           string              `json:"id"`
	Status       sessions.Status     `json:"status"`
	CreatedAt    string              `json:"createdAt"`
	ExpiresAt    string              `json:"expiresAt"`
	TTL          int64               `json:"ttl"`
	Stealth      bool                `json:"stealth"`
	Headless     bool                `json:"headless"`
	Browser      string              `json:"browser"`
	BlockAds     bool                `json:"blockAds"`
	Args         []string            `json:"args"`
	Proxy        *proxyView          `json:"proxy"`
	UserMetadata json.RawMessage     `json:"userMetadata"`
	Viewport     sessions.Viewport   `json:"viewport"`
	UserAgent    string              `json:"userAgent,omitempty"`
	Timezone     string              `json:"timezone,omitempty"`
	Locale       string              `json:"locale,omitempty"`
	StartURL     string              `json:"startUrl,omitempty"`
	Logs         sessions.LogOptions `json:"logs"`
	Record       bool                `json:"record"`
	Connect      string              `json:"connect"`
	BrowserQL    string              `json:"browserQL"`
	Stop         string              `json:"stop"`
	Replay       string              `json:"replay,omitempty"` // when Record
}

// proxyView never carries the password.
type proxyView struct {
	Server   string   `json:"server"`
	Username string   `json:"username,omitempty"`
	Bypass   []string `json:"bypass,omitempty"`
}

func (a *API) view(r *http.Request, s *sessions.Session, status sessions.Status) sessionView {
	o := s.Options
	v := sessionView{
		ID: s.ID, Status: status, CreatedAt: s.CreatedAt.UTC().Format(time.RFC3339Nano), ExpiresAt: s.ExpiresAt.UTC().Format(time.RFC3339Nano),
		TTL: s.TTL.Milliseconds(), Stealth: o.Stealth, Headless: o.Headless, Browser: o.Browser, BlockAds: o.BlockAds,
		Args: o.Args, UserMetadata: s.UserMetadata, Viewport: o.Viewport, UserAgent: o.UserAgent,
		Timezone: o.Timezone, Locale: o.Locale, StartURL: o.StartURL, Logs: o.Logs, Record: o.Record,
	}
	if v.Args == nil {
		v.Args = []string{}
	}
	if len(v.UserMetadata) == 0 {
		v.UserMetadata = json.RawMessage("null")
	}
	if o.Proxy != nil {
		v.Proxy = &proxyView{Server: o.Proxy.Server, Username: o.Proxy.Username, Bypass: o.Proxy.Bypass}
	}
	v.Connect, v.BrowserQL, v.Stop = a.urls(r, s)
	if o.Record {
		base, q, _ := strings.Cut(v.Stop, "?")
		v.Replay = base + "/replay"
		if q != "" {
			v.Replay += "?" + q
		}
	}
	return v
}

// urls are the session's absolute URLs, with the session's own credential
// when auth is on, so clients can use them as they are and hand them on
// without handing on the server token.
func (a *API) urls(r *http.Request, s *sessions.Session) (connect, bql, stop string) {
	base := a.publicURL(r)
	path := "/sessions/" + url.PathEscape(s.ID)
	q := ""
	if a.creds != nil {
		q = "?token=" + url.QueryEscape(a.creds.mint(s.ID, s.TokenGen))
	}
	ws := "ws" + strings.TrimPrefix(base, "http")
	return ws + path + "/connect" + q, base + path + "/bql" + q, base + path + q
}

func (a *API) publicURL(r *http.Request) string {
	if a.cfg.PublicURL != "" {
		return strings.TrimRight(a.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
