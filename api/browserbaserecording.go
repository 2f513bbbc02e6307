package api

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"
)

// bbRecorded is one of Browserbase's recording entries: an rrweb event
// with the session's id.
type bbRecorded struct {
	Data      json.RawMessage `json:"data"`
	SessionID string          `json:"sessionId"`
	Timestamp float64         `json:"timestamp"`
	Type      int             `json:"type"`
}

// bbRecording answers GET /v1/sessions/{id}/recording with the session's
// whole rrweb recording (GET /sessions/{id}/recording, every page), for
// sessions created with browserSettings.recordSession: true; a session
// that does not record has none.
func (a *API) bbRecording(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if _, _, err := a.sessions.Get(id); err != nil && !a.sessions.HasRecording(id) {
		writeError(w, err)
		return
	}
	out := []bbRecorded{}
	var after uint64
	for {
		p, err := a.sessions.Recording(r.Context(), id, after, maxRecordingLimit)
		if err != nil {
			writeError(w, err)
			return
		}
		for _, e := range p.Events {
			var ev struct {
				Type      int             `json:"type"`
				Data      json.RawMessage `json:"data"`
				Timestamp float64         `json:"timestamp"`
			}
			if json.Unmarshal(e.Event, &ev) != nil {
				continue
			}
			if len(ev.Data) == 0 {
				ev.Data = json.RawMessage("{}")
			}
			out = append(out, bbRecorded{Data: ev.Data, SessionID: id, Timestamp: ev.Timestamp, Type: ev.Type})
		}
		if p.Next == 0 {
			break
		}
		after = p.Next
	}
	writeJSON(w, http.StatusOK, out)
}
