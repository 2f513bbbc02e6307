package api

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql/api/webui"
	"github.com/sessionql/sessionql/sessions"
)

// Limits of /recording pages: rrweb events are larger than log events, and
// the replay page reads a whole recording page by page.
const (
	defaultRecordingLimit = 500
	maxRecordingLimit     = 5000
)

// recording answers a page of the session's rrweb events, oldest first:
// ?cursor= is the next of the previous page, ?limit= its size. Paged
// rather than streamed, as /logs is, so a client resumes where it stopped
// and the replay page needs nothing but fetch.
func (a *API) recording(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	after, limit, err := recordingQuery(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if _, _, err := a.sessions.Get(id); err != nil && !a.sessions.HasRecording(id) {
		writeError(w, err)
		return
	}
	p, err := a.sessions.Recording(r.Context(), id, after, limit)
	if err != nil {
		writeError(w, err)
		return
	}
	if p.Events == nil {
		p.Events = []sessions.RecordedEvent{}
	}
	writePage(w, p.Events, p.Truncated, p.Next)
}

// recordingQuery reads ?cursor=&limit=.
func recordingQuery(r *http.Request) (after uint64, limit int, err error) {
	v := r.URL.Query()
	limit = defaultRecordingLimit
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxRecordingLimit {
			return 0, 0, invalid("limit must be a whole number from 1 to %d, not %q.", maxRecordingLimit, s)
		}
		limit = n
	}
	if s := v.Get("cursor"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, 0, invalid("cursor must be the next value of a previous answer, not %q.", s)
		}
		after = n
	}
	return after, limit, nil
}

// replayPage serves the page that plays the session's recording back with
// rrweb-player; its script reads the recording with the credential in the
// page's own URL.
func (a *API) replayPage(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if _, _, err := a.sessions.Get(id); err != nil && !a.sessions.HasRecording(id) {
		webui.Message(w, http.StatusNotFound, "No recording", "This session has no recording: it was not created with \"record\": true, or its recording is past LOG_RETENTION.")
		return
	}
	webui.Replay(w, id)
}
