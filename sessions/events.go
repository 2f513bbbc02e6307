package sessions

import (
	"log/slog"
	"time"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/events"
)

// Defaults of LOG_RETENTION and LOG_MAX_BYTES.
const (
	DefaultLogRetention = 7 * 24 * time.Hour
	DefaultLogMaxBytes  = 1 << 20
)

// expireLogsEvery is how often logs past their retention are deleted.
const expireLogsEvery = time.Minute

// LogOptions choose what a session records beyond its lifecycle and
// BrowserQL requests.
type LogOptions struct {
	// Network records every response and failed request: voluminous, so
	// off unless asked for.
	Network bool `json:"network"`
}

// openRecorder keeps events in the store's bbolt file, in buckets of
// their own.
func openRecorder(store *Store, cfg Config) (*events.Recorder, error) {
	log, err := events.NewBoltLog(store.db)
	if err != nil {
		return nil, err
	}
	return events.NewRecorder(log, cfg.LogMaxBytes), nil
}

// Record adds an event to the session's stream and log. Lifecycle events
// also go to the server log, so an operator's pipeline sees them.
func (s *Service) Record(id, typ string, data any) {
	s.events.Record(id, typ, data)
	if isLifecycle(typ) {
		slog.Info("session "+typ, "session", id, "event", data)
	}
}

func isLifecycle(typ string) bool {
	switch typ {
	case events.BQLRequest, events.Navigated, events.Dialog, events.Download, events.PageError, events.Console, events.RequestFailed, events.Response, events.ClientConnected, events.ClientDisconnected:
		return false
	}
	return true
}

// Events follows the session's events from now on until it ends; see
// events.Recorder.Subscribe.
func (s *Service) Events(id string) (<-chan events.Event, func()) {
	return s.events.Subscribe(id)
}

// Logs reads the session's kept events, while it lives and for
// LOG_RETENTION after it ended.
func (s *Service) Logs(id string, q events.Query) (events.Page, error) {
	return s.events.Read(id, q)
}

// end records why a session ended and closes its log.
func (s *Service) end(e *entry, typ, reason string) {
	s.Record(e.id, typ, map[string]string{"reason": reason})
	s.events.End(e.id)
}

// watchPage sends the page's events to the session's log.
func (s *Service) watchPage(e *entry, page *engine.Page) {
	e.mu.Lock()
	network := e.sess.Options.Logs.Network
	e.mu.Unlock()
	err := page.Watch(func(typ string, data any) { s.events.Record(e.id, typ, data) }, network)
	slogErr("could not watch the session's page", err, "session", e.id)
}

// expireLogs deletes logs past LOG_RETENTION, at most once per
// expireLogsEvery.
func (s *Service) expireLogs(now time.Time) {
	if now.Sub(s.logsExpired) < expireLogsEvery {
		return
	}
	s.logsExpired = now
	s.wg.Go(func() { s.events.Expire(s.cfg.LogRetention) })
}

// ExpireLogs deletes logs past LOG_RETENTION now.
func (s *Service) ExpireLogs() { s.events.Expire(s.cfg.LogRetention) }
