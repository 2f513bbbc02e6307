package sessions

import (
	bolt "go.etcd.io/bbolt"
	"path/filepath"
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
	// PageErrors records the page's uncaught exceptions on a stealth
	// session, which needs the Runtime domain that detectors can see.
	// Sessions without stealth record them always.
	PageErrors bool `json:"pageErrors,omitzero"`
}

// EventLogStore is a Store that keeps the sessions' events itself (the
// PostgreSQL one does), so that every server sharing it reads them.
type EventLogStore interface {
	EventLog() events.Log
}

// RecordingLogStore is a Store that keeps the sessions' recordings itself
// (the PostgreSQL one does), so that every server sharing it serves them.
// Its log keeps a recording's first events when it is full.
type RecordingLogStore interface {
	RecordingLog() events.Log
}

// openEvents keeps the sessions' events where the store keeps sessions.
func openEvents(store Store, cfg Config) (*events.Recorder, error) {
	var shared events.Log
	if es, ok := storeAs[EventLogStore](store); ok {
		shared = es.EventLog()
	}
	return openRecorder(store, cfg, shared, events.NewBoltLog, "events.db", cfg.LogMaxBytes)
}

// openRecordings keeps the sessions' recordings where the store keeps
// sessions.
func openRecordings(store Store, cfg Config) (*events.Recorder, error) {
	var shared events.Log
	if rs, ok := storeAs[RecordingLogStore](store); ok {
		shared = rs.RecordingLog()
	}
	return openRecorder(store, cfg, shared, events.NewBoltRecordingLog, "recordings.db", cfg.RecordingMaxBytes)
}

// openRecorder keeps a log (events, or recordings) bounded by maxBytes per
// session: in shared, the store's own log, when there is one; else in the
// BoltStore's file, in buckets of its own. Another Store has no such log:
// the log then goes to a bbolt file of its own in the data dir, closed
// with the recorder.
func openRecorder(store Store, cfg Config, shared events.Log, newLog func(*bolt.DB) (*events.BoltLog, error), file string, maxBytes int) (*events.Recorder, error) {
	if shared != nil {
		return events.NewRecorder(shared, maxBytes, nil), nil
	}
	if bs, ok := store.(*BoltStore); ok {
		log, err := newLog(bs.db)
		if err != nil {
			return nil, err
		}
		return events.NewRecorder(log, maxBytes, nil), nil
	}
	db, err := openBolt(filepath.Join(cfg.DataDir, file), false)
	if err != nil {
		return nil, err
	}
	log, err := newLog(db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return events.NewRecorder(log, maxBytes, db.Close), nil
}

// Record adds an event to the session's stream and log. The server log's
// lifecycle lines ("session created", "session woken", …) are written
// where the lifecycle happens, not here.
func (s *Service) Record(id, typ string, data any) {
	s.events.Record(id, typ, data)
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
	s.recordings.End(e.id)
}

// watchPage sends the page's events to the session's log.
func (s *Service) watchPage(e *entry, page *engine.Page) {
	e.mu.Lock()
	o := e.sess.Options
	e.mu.Unlock()
	opts := engine.WatchOptions{Network: o.Logs.Network, Exceptions: !o.Stealth || o.Logs.PageErrors}
	err := page.Watch(func(typ string, data any) { s.events.Record(e.id, typ, data) }, opts)
	slogErr("could not watch the session's page", err, "session", e.id)
}

// expireLogs deletes logs past LOG_RETENTION, at most once per
// expireLogsEvery.
func (s *Service) expireLogs(now time.Time) {
	if now.Sub(s.logsExpired) < expireLogsEvery {
		return
	}
	s.logsExpired = now
	s.wg.Go(s.ExpireLogs)
}

// ExpireLogs deletes logs and recordings past LOG_RETENTION now.
func (s *Service) ExpireLogs() {
	s.events.Expire(s.cfg.LogRetention)
	s.recordings.Expire(s.cfg.LogRetention)
}
