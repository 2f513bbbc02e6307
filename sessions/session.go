// Package sessions keeps the lifecycle of sessions: the store, ids, TTLs,
// waking and hibernating browsers, and the limit on live browsers. It knows
// nothing of HTTP or GraphQL.
package sessions

import (
	"crypto/rand"
	"encoding/json"
	"strings"
	"time"

	"github.com/sessionql/sessionql/engine"
)

// Session is a persistent browser identity: what the store keeps.
type Session struct {
	ID           string          `json:"id"`
	CreatedAt    time.Time       `json:"createdAt"`
	ExpiresAt    time.Time       `json:"expiresAt"`
	TTL          time.Duration   `json:"ttl"`
	Options      Options         `json:"options"`
	UserMetadata json.RawMessage `json:"userMetadata,omitempty"`
	Started      bool            `json:"started"`            // the browser ran at least once
	TokenGen     int             `json:"tokenGen,omitempty"` // bumped to invalidate the session's credential
	Profile      string          `json:"profile,omitempty"`  // the ProfileStore's key of the hibernated profile; "" when it is the local directory
	// RecordingStopped says that a session created with Record no longer
	// records: stopSessionRecording, or RECORDING_MAX_BYTES reached.
	RecordingStopped bool `json:"recordingStopped,omitempty"`
}

// Options are fixed when a session is created.
type Options struct {
	Stealth   bool     `json:"stealth"`
	Headless  bool     `json:"headless"`
	Browser   string   `json:"browser"`
	BlockAds  bool     `json:"blockAds"`
	Args      []string `json:"args"`
	Proxy     *Proxy   `json:"proxy,omitempty"`
	Viewport  Viewport `json:"viewport"`
	UserAgent string   `json:"userAgent,omitempty"`
	Timezone  string   `json:"timezone,omitempty"`
	Locale    string   `json:"locale,omitempty"`
	StartURL  string   `json:"startUrl,omitempty"`
	// Logs choose what the session records; see LogOptions.
	Logs LogOptions `json:"logs,omitzero"`
	// Record records the session's pages with rrweb, for replay; see
	// recording.go.
	Record bool `json:"record,omitempty"`
}

// Proxy is an upstream proxy for all of a session's traffic.
type Proxy struct {
	Server   string   `json:"server"`
	Username string   `json:"username,omitempty"`
	Password string   `json:"password,omitempty"`
	Bypass   []string `json:"bypass,omitempty"`
}

// Viewport is the page's size in CSS pixels, as the engine applies it.
type Viewport = engine.Viewport

// Status says whether a session's browser runs.
type Status string

// The statuses of a session.
const (
	Live       Status = "live"
	Hibernated Status = "hibernated"
)

// newID returns an unguessable, URL-safe id (130 random bits).
func newID() string { return strings.ToLower(rand.Text()) }

// Expired reports whether the session's TTL has run out at now.
func (s *Session) Expired(now time.Time) bool { return !now.Before(s.ExpiresAt) }
