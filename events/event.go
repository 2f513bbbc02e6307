// Package events records what happens in a session (lifecycle, BrowserQL
// requests, page and network events) for the live event stream and for the
// logs kept after the session ends.
package events

import (
	"encoding/json"
	"time"
)

// The event types a session records.
const (
	Created            = "created"
	Woken              = "woken"
	Hibernated         = "hibernated"
	BrowserCrashed     = "browser_crashed"
	BrowserRelaunched  = "browser_relaunched"
	ClientConnected    = "client_connected"
	ClientDisconnected = "client_disconnected"
	TTLChanged         = "ttl_changed"
	Stopped            = "stopped"
	Expired            = "expired"
	BQLRequest         = "bql_request"
	Navigated          = "navigated"
	Dialog             = "dialog"
	Download           = "download"
	PageError          = "page_error"
	Console            = "console"
	RequestFailed      = "request_failed"
	Response           = "response"
)

// Types lists every event type, for checking a ?type= filter.
var Types = []string{Created, Woken, Hibernated, BrowserCrashed, BrowserRelaunched, ClientConnected, ClientDisconnected, TTLChanged, Stopped, Expired, BQLRequest, Navigated, Dialog, Download, PageError, Console, RequestFailed, Response}

// Event is one thing that happened in a session. ID counts up from 1 per
// session, without gaps, so a client that saw ID n resumes after n.
type Event struct {
	ID      uint64          `json:"id"`
	Session string          `json:"session"`
	Type    string          `json:"type"`
	Time    time.Time       `json:"time"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Size is what the event costs against LOG_MAX_BYTES.
func (e Event) Size() int { return len(e.Data) + len(e.Type) + len(e.Session) + 48 }
