package sessions

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/events"
)

// DefaultRecordingMaxBytes is RECORDING_MAX_BYTES when none is set: how
// much of one session's recording is kept.
const DefaultRecordingMaxBytes = 32 << 20

// recordingEvent is the type of a recording's entries in its log.
const recordingEvent = "rrweb"

// recordTimeout bounds starting, flushing and stopping a browser's recorder.
const recordTimeout = 10 * time.Second

// RecordedEvent is one rrweb event of a session's recording: ID counts up
// from 1 per session, Tab is the page it happened in, Event is rrweb's JSON.
type RecordedEvent struct {
	ID    uint64          `json:"id"`
	Tab   string          `json:"tab"`
	Event json.RawMessage `json:"event"`
}

// RecordingPage is one page of a recording, oldest first. Next is the
// after of the next page, 0 when there is none; Truncated says that the
// recording reached RECORDING_MAX_BYTES and stopped there.
type RecordingPage struct {
	Events    []RecordedEvent `json:"events"`
	Next      uint64          `json:"-"`
	Truncated bool            `json:"truncated"`
}

// Recording reads a page of the session's recording, after an ID, at most
// limit events: while the session lives (what its pages hold so far
// included) and for LOG_RETENTION after it ended.
func (s *Service) Recording(ctx context.Context, id string, after uint64, limit int) (RecordingPage, error) {
	if e, err := s.entry(id); err == nil {
		if r := e.currentRecorder(); r != nil {
			ctx, cancel := context.WithTimeout(ctx, recordTimeout)
			r.Flush(ctx)
			cancel()
		}
	}
	p, err := s.recordings.Read(id, events.Query{After: after, Limit: limit})
	if err != nil {
		return RecordingPage{}, sessionql.Errorf(sessionql.CodeStoreUnavailable, "The recording could not be read: %v.", err)
	}
	out := RecordingPage{Events: make([]RecordedEvent, 0, len(p.Events)), Next: p.Next, Truncated: p.Truncated}
	for _, ev := range p.Events {
		r := RecordedEvent{ID: ev.ID}
		if json.Unmarshal(ev.Data, &r) == nil {
			r.ID = ev.ID
			out.Events = append(out.Events, r)
		}
	}
	return out, nil
}

// HasRecording says whether the session recorded anything that is still
// kept, for reading a recording after its session ended.
func (s *Service) HasRecording(id string) bool {
	p, err := s.recordings.Read(id, events.Query{Limit: 1})
	return err == nil && len(p.Events) > 0
}

// StopRecording ends the session's recording early; what was recorded is
// kept. A session that does not record, or no longer does, is an
// invalid_request.
func (s *Service) StopRecording(ctx context.Context, id string) error {
	e, err := s.entry(id)
	if err != nil {
		return err
	}
	e.mu.Lock()
	on := e.sess.Options.Record && !e.sess.RecordingStopped
	e.mu.Unlock()
	if !on {
		return sessionql.Errorf(sessionql.CodeInvalidRequest, "Session %s is not recording: create it with \"record\": true; a recording that was stopped stays stopped.", id)
	}
	if err := s.save(e, func(next *Session) { next.RecordingStopped = true }); err != nil {
		return err
	}
	s.stopRecorder(ctx, e)
	return nil
}

// startRecorder records the pages of a session's new browser when the
// session records; the recording goes on after each wake until it is
// stopped or full.
func (s *Service) startRecorder(e *entry, b *engine.Browser) {
	e.mu.Lock()
	on := e.sess.Options.Record && !e.sess.RecordingStopped
	e.mu.Unlock()
	if !on {
		return
	}
	// Another server may have recorded the session since this one did.
	s.recordings.Forget(e.id)
	ctx, cancel := s.bounded(recordTimeout)
	defer cancel()
	rec, err := b.Record(ctx, func(tab string, evs []json.RawMessage) {
		if s.keepRecorded(e, tab, evs) {
			return
		}
		if r := e.currentRecorder(); r != nil {
			r.End()
		}
		s.wg.Go(func() { s.markRecordingFull(e) })
	})
	if err != nil {
		slog.Error("could not record the session's pages", "session", e.id, "err", err)
		return
	}
	e.mu.Lock()
	e.recorder = rec
	e.mu.Unlock()
}

// keepRecorded hands a tab's events to the recording's log and reports
// whether there is room for more. It counts the events' own bytes, fewer
// than the log counts, so that when it says full, the log refused some
// and says truncated.
func (s *Service) keepRecorded(e *entry, tab string, evs []json.RawMessage) bool {
	n := 0
	for _, ev := range evs {
		s.recordings.Record(e.id, recordingEvent, RecordedEvent{Tab: tab, Event: ev})
		n += len(ev)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.recordedBytes += n
	return e.recordedBytes <= s.cfg.RecordingMaxBytes
}

// markRecordingFull keeps a full recording stopped across wakes.
func (s *Service) markRecordingFull(e *entry) {
	slog.Warn("a session's recording reached RECORDING_MAX_BYTES and stopped", "session", e.id, "max", s.cfg.RecordingMaxBytes)
	err := s.save(e, func(next *Session) { next.RecordingStopped = true })
	slogErr("could not mark the session's recording as stopped", err, "session", e.id)
}

// stopRecorder stops the recorder of the session's browser, if it has one,
// so its last events are kept before the browser closes.
func (s *Service) stopRecorder(ctx context.Context, e *entry) {
	e.mu.Lock()
	rec := e.recorder
	e.recorder = nil
	e.mu.Unlock()
	if rec == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	rec.Stop(ctx)
}

func (e *entry) currentRecorder() *engine.Recorder {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.recorder
}
