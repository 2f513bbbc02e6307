package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql/events"
)

// ssePing is how often an idle event stream sends a comment, so proxies
// and clients keep the connection.
const ssePing = 15 * time.Second

// replayPage is how many kept events the stream reads from the log at once.
const replayPage = 500

// Limits of /logs pages.
const (
	defaultLogsLimit = 100
	maxLogsLimit     = 1000
)

// streamEvents serves the session's events as Server-Sent Events: first
// those kept after Last-Event-ID, then each as it happens, until the
// session ends or the client goes. A client that falls behind is caught up
// from the log, so none is missed or repeated.
func (a *API) streamEvents(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	last, err := lastEventID(r)
	if err != nil {
		writeError(w, err)
		return
	}
	_, _, gone := a.sessions.Get(id)
	if gone != nil && !a.hasLogs(id) {
		writeError(w, gone)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if gone != nil { // ended: what was kept, then the end of the stream
		a.replay(w, id, last)
		return
	}
	ping := time.NewTicker(ssePing)
	defer ping.Stop()
	for {
		live, cancel := a.sessions.Events(id)
		last, err = a.replay(w, id, last)
		if err == nil {
			last, err = a.follow(w, r, live, ping.C, last)
		}
		cancel()
		if err != nil || r.Context().Err() != nil {
			return
		}
		if _, _, gone := a.sessions.Get(id); gone != nil {
			a.replay(w, id, last) // what came between the end and now
			return
		}
	}
}

// hasLogs says whether the session still has kept events.
func (a *API) hasLogs(id string) bool {
	p, err := a.sessions.Logs(id, events.Query{Limit: 1})
	return err == nil && len(p.Events) > 0
}

// replay writes the kept events after last and returns the last written.
func (a *API) replay(w http.ResponseWriter, id string, last uint64) (uint64, error) {
	for {
		p, err := a.sessions.Logs(id, events.Query{After: last, Limit: replayPage})
		if err != nil {
			return last, err
		}
		for _, e := range p.Events {
			if err := writeEvent(w, e); err != nil {
				return last, err
			}
			last = e.ID
		}
		if p.Next == 0 {
			return last, http.NewResponseController(w).Flush()
		}
	}
}

// follow writes live events newer than last until live is closed (the
// session ended or the client fell behind) or the client goes.
func (a *API) follow(w http.ResponseWriter, r *http.Request, live <-chan events.Event, ping <-chan time.Time, last uint64) (uint64, error) {
	rc := http.NewResponseController(w)
	for {
		select {
		case <-r.Context().Done():
			return last, nil
		case <-ping:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return last, err
			}
		case e, ok := <-live:
			if !ok {
				return last, nil
			}
			if e.ID <= last {
				continue
			}
			if err := writeEvent(w, e); err != nil {
				return last, err
			}
			last = e.ID
		}
		if err := rc.Flush(); err != nil {
			return last, err
		}
	}
}

// writeEvent writes one event: its ID for Last-Event-ID, its JSON as data.
func writeEvent(w http.ResponseWriter, e events.Event) error {
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "id: %d\ndata: %s\n\n", e.ID, raw)
	return err
}

// lastEventID reads where a reconnecting client stopped: the
// Last-Event-ID header, or ?lastEventId= for clients that cannot set it.
func lastEventID(r *http.Request) (uint64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("lastEventId")
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, invalid("Last-Event-ID must be the id of an event this stream sent, not %q.", v)
	}
	return n, nil
}

// logs answers a page of the session's kept events.
func (a *API) logs(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	q, err := logsQuery(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if _, _, err := a.sessions.Get(id); err != nil && !a.hasLogs(id) {
		writeError(w, err)
		return
	}
	p, err := a.sessions.Logs(id, q)
	if err != nil {
		writeError(w, err)
		return
	}
	if p.Events == nil {
		p.Events = []events.Event{}
	}
	writePage(w, p.Events, p.Truncated, p.Next)
}

// writePage answers one page of kept events: next is the cursor of the
// following page, 0 (null) on the last.
func writePage(w http.ResponseWriter, evs any, truncated bool, next uint64) {
	var cursor *string
	if next != 0 {
		s := strconv.FormatUint(next, 10)
		cursor = &s
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": evs, "truncated": truncated, "next": cursor})
}

// logsQuery reads ?type=a,b&since=RFC3339&limit=N&cursor=.
func logsQuery(r *http.Request) (events.Query, error) {
	v := r.URL.Query()
	q := events.Query{Limit: defaultLogsLimit}
	for t := range strings.SplitSeq(v.Get("type"), ",") {
		if t == "" {
			continue
		}
		if !slices.Contains(events.Types, t) {
			return q, invalid("type must be among %s, not %q.", strings.Join(events.Types, ", "), t)
		}
		if q.Types == nil {
			q.Types = map[string]bool{}
		}
		q.Types[t] = true
	}
	if s := v.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return q, invalid("since must be an RFC 3339 time such as 2026-01-02T15:04:05Z, not %q.", s)
		}
		q.Since = t
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLogsLimit {
			return q, invalid("limit must be a whole number from 1 to %d, not %q.", maxLogsLimit, s)
		}
		q.Limit = n
	}
	if s := v.Get("cursor"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return q, invalid("cursor must be the next value of a previous answer, not %q.", s)
		}
		q.After = n
	}
	return q, nil
}
