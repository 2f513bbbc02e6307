package events

import (
	"encoding/json"
	"log/slog"
	"sync"
	"time"
)

// subscriberBuffer is how many events a live reader may lag behind before
// it is cut off; it then resumes from the log with Last-Event-ID.
const subscriberBuffer = 256

// maxPending is how many events wait for the writer before Record writes
// them itself, so a burst never grows the server's memory.
const maxPending = 4096

// Recorder numbers a session's events, hands them to live readers at once
// and writes them to the Log in batches, off the caller's path.
type Recorder struct {
	log      Log
	maxBytes int
	closeLog func() error

	mu      sync.Mutex
	last    map[string]uint64 // newest ID per session seen since start
	ended   map[string]time.Time
	subs    map[string]map[chan Event]struct{}
	pending []Event

	flushing sync.Mutex // one write to the Log at a time, in order
	wake     chan struct{}
	quit     chan struct{}
	wg       sync.WaitGroup
}

// NewRecorder starts the writer; maxBytes bounds each session's log
// (LOG_MAX_BYTES), zero for no bound. Close stops it.
//
// closeLog, if not nil, is called after the last write at Close.
func NewRecorder(log Log, maxBytes int, closeLog func() error) *Recorder {
	r := &Recorder{log: log, maxBytes: maxBytes, closeLog: closeLog, last: map[string]uint64{}, ended: map[string]time.Time{}, subs: map[string]map[chan Event]struct{}{}, wake: make(chan struct{}, 1), quit: make(chan struct{})}
	r.wg.Go(r.write)
	return r
}

// Record adds an event of type typ to session's log; data is marshalled
// to JSON and must hold nothing secret.
func (r *Recorder) Record(session, typ string, data any) {
	raw, err := json.Marshal(data)
	if err != nil {
		slog.Error("event is not JSON", "session", session, "type", typ, "err", err)
		return
	}
	if string(raw) == "null" {
		raw = nil
	}
	r.mu.Lock()
	e := Event{ID: r.nextID(session), Session: session, Type: typ, Time: time.Now().UTC(), Data: raw}
	for ch := range r.subs[session] {
		select {
		case ch <- e:
		default: // too far behind: it resumes from the log
			r.unsubscribe(session, ch)
		}
	}
	r.pending = append(r.pending, e)
	full := len(r.pending) >= maxPending
	r.mu.Unlock()
	if full {
		r.flush()
		return
	}
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// nextID numbers the session's next event; the caller holds r.mu.
func (r *Recorder) nextID(session string) uint64 {
	last, ok := r.last[session]
	if !ok {
		var err error
		if last, err = r.log.LastID(session); err != nil {
			slog.Error("could not read a session's last event", "session", session, "err", err)
		}
	}
	r.last[session] = last + 1
	return last + 1
}

// Forget writes the session's waiting events and drops its newest ID,
// so that its next event is numbered from the log: another server sharing
// the log (cluster mode) may have added to it since this one last did.
func (r *Recorder) Forget(session string) {
	r.flush()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.pending {
		if e.Session == session {
			return // recorded meanwhile: its numbering goes on
		}
	}
	delete(r.last, session)
}

// Subscribe gives the session's events from now on, until the session
// ends, the reader falls behind, or cancel; the channel is then closed.
func (r *Recorder) Subscribe(session string) (events <-chan Event, cancel func()) {
	ch := make(chan Event, subscriberBuffer)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ended := r.ended[session]; ended {
		close(ch)
		return ch, func() {}
	}
	if r.subs[session] == nil {
		r.subs[session] = map[chan Event]struct{}{}
	}
	r.subs[session][ch] = struct{}{}
	return ch, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.unsubscribe(session, ch)
	}
}

// unsubscribe closes a reader's channel once; the caller holds r.mu.
func (r *Recorder) unsubscribe(session string, ch chan Event) {
	if _, ok := r.subs[session][ch]; !ok {
		return
	}
	delete(r.subs[session], ch)
	if len(r.subs[session]) == 0 {
		delete(r.subs, session)
	}
	close(ch)
}

// Read returns the session's events from the Log, after writing those
// still waiting.
func (r *Recorder) Read(session string, q Query) (Page, error) {
	r.flush()
	return r.log.Read(session, q)
}

// End closes the session's log: live readers are let go and the events
// are kept until retention runs out.
func (r *Recorder) End(session string) {
	r.flush()
	now := time.Now()
	r.mu.Lock()
	r.ended[session] = now
	delete(r.last, session)
	for ch := range r.subs[session] {
		r.unsubscribe(session, ch)
	}
	r.mu.Unlock()
	if err := r.log.End(session, now); err != nil {
		slog.Error("could not mark a session's log as ended", "session", session, "err", err)
	}
}

// Expire deletes the logs of sessions that ended more than retention ago.
func (r *Recorder) Expire(retention time.Duration) {
	cutoff := time.Now().Add(-retention)
	n, err := r.log.DeleteExpired(cutoff)
	if err != nil {
		slog.Error("could not delete expired logs", "err", err)
	}
	r.mu.Lock()
	for id, at := range r.ended {
		if at.Before(cutoff) {
			delete(r.ended, id)
		}
	}
	r.mu.Unlock()
	if n > 0 {
		slog.Info("deleted expired session logs", "sessions", n)
	}
}

// Close writes what is waiting and stops the writer.
func (r *Recorder) Close() {
	close(r.quit)
	r.wg.Wait()
	r.flush()
	if r.closeLog != nil {
		if err := r.closeLog(); err != nil {
			slog.Error("could not close the event log", "err", err)
		}
	}
}

func (r *Recorder) write() {
	for {
		select {
		case <-r.quit:
			return
		case <-r.wake:
			r.flush()
		}
	}
}

// batchLog is a Log that can append the events of several sessions in one
// commit.
type batchLog interface {
	AppendAll(order []string, bySession map[string][]Event, maxBytes int) error
}

// flush writes the waiting events: in one transaction when the log can,
// else (or when that failed) one transaction per session, so that one
// session's failure does not lose the others' events.
func (r *Recorder) flush() {
	r.flushing.Lock()
	defer r.flushing.Unlock()
	r.mu.Lock()
	batch := r.pending
	r.pending = nil
	r.mu.Unlock()
	var order []string
	bySession := map[string][]Event{}
	for _, e := range batch {
		if _, ok := bySession[e.Session]; !ok {
			order = append(order, e.Session)
		}
		bySession[e.Session] = append(bySession[e.Session], e)
	}
	if b, ok := r.log.(batchLog); ok && len(order) > 1 {
		if b.AppendAll(order, bySession, r.maxBytes) == nil {
			return
		}
	}
	for _, s := range order {
		if err := r.log.Append(s, bySession[s], r.maxBytes); err != nil {
			slog.Error("could not store a session's events", "session", s, "err", err)
		}
	}
}
