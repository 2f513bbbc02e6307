package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql/events"
)

// bbLiveURLs is Browserbase's debug answer: the live view, and the CDP
// WebSocket as wsUrl.
type bbLiveURLs struct {
	DebuggerFullscreenURL string   `json:"debuggerFullscreenUrl"`
	DebuggerURL           string   `json:"debuggerUrl"`
	Pages                 []bbPage `json:"pages"`
	WsURL                 string   `json:"wsUrl"`
}

type bbPage struct {
	ID                    string `json:"id"`
	DebuggerFullscreenURL string `json:"debuggerFullscreenUrl"`
	DebuggerURL           string `json:"debuggerUrl"`
	FaviconURL            string `json:"faviconUrl"`
	Title                 string `json:"title"`
	URL                   string `json:"url"`
}

// tabsTimeout bounds listing a session's tabs for its debug answer.
const tabsTimeout = 10 * time.Second

// bbDebug answers GET /v1/sessions/{id}/debug: a live-view URL with a
// token of its own (expiresIn seconds, else until the session expires),
// the session's pages, and its connect URL. The live view has its own tab
// picker, so every page's URL is the same view.
func (a *API) bbDebug(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	var timeout time.Duration
	if v := r.URL.Query().Get("expiresIn"); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil || secs <= 0 {
			writeError(w, invalid("expiresIn is a number of seconds above 0, not %q.", v))
			return
		}
		timeout = time.Duration(secs * float64(time.Second))
	}
	live, err := a.mintLiveURL(r, id, defaultView, timeout)
	if err != nil {
		writeError(w, err)
		return
	}
	tabs, err := a.tabs(r.Context(), id)
	if err != nil {
		writeError(w, err)
		return
	}
	sess, _, err := a.sessions.Get(id)
	if err != nil {
		writeError(w, err)
		return
	}
	out := bbLiveURLs{DebuggerURL: live.URL, DebuggerFullscreenURL: live.URL, Pages: []bbPage{}}
	out.WsURL, _, _ = a.urls(r, sess)
	for _, t := range tabs {
		out.Pages = append(out.Pages, bbPage{ID: t.ID, Title: t.Title, URL: t.URL, DebuggerURL: live.URL, DebuggerFullscreenURL: live.URL})
	}
	writeJSON(w, http.StatusOK, out)
}

// tabs lists the session's pages, waking its browser if it hibernates:
// a Browserbase session always runs.
func (a *API) tabs(ctx context.Context, id string) ([]bbPage, error) {
	watch, err := a.sessions.Watch(ctx, id)
	if err != nil {
		return nil, err
	}
	defer watch.End()
	ctx, cancel := context.WithTimeout(ctx, tabsTimeout)
	defer cancel()
	tabs, err := watch.Browser.Tabs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]bbPage, len(tabs))
	for i, t := range tabs {
		out[i] = bbPage{ID: t.ID, Title: t.Title, URL: t.URL}
	}
	return out, nil
}

// bbLog is one of Browserbase's session logs: an event of the session's
// log as method, with its data as the request's params.
type bbLog struct {
	Method    string        `json:"method"`
	PageID    int           `json:"pageId"`
	SessionID string        `json:"sessionId"`
	Timestamp int64         `json:"timestamp"`
	Request   *bbLogRequest `json:"request,omitempty"`
}

type bbLogRequest struct {
	Params    json.RawMessage `json:"params"`
	RawBody   string          `json:"rawBody"`
	Timestamp int64           `json:"timestamp"`
}

// bbLogs answers GET /v1/sessions/{id}/logs with every kept event of the
// session, oldest first (see GET /sessions/{id}/logs).
func (a *API) bbLogs(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if _, _, err := a.sessions.Get(id); err != nil && !a.hasLogs(id) {
		writeError(w, err)
		return
	}
	out := []bbLog{}
	q := events.Query{Limit: maxLogsLimit}
	for {
		p, err := a.sessions.Logs(id, q)
		if err != nil {
			writeError(w, err)
			return
		}
		for _, e := range p.Events {
			out = append(out, bbLogOf(e))
		}
		if p.Next == 0 {
			break
		}
		q.After = p.Next
	}
	writeJSON(w, http.StatusOK, out)
}

func bbLogOf(e events.Event) bbLog {
	ms := e.Time.UnixMilli()
	params := e.Data
	if len(params) == 0 || params[0] != '{' {
		params = json.RawMessage("{}")
	}
	return bbLog{Method: e.Type, SessionID: e.Session, Timestamp: ms,
		Request: &bbLogRequest{Params: params, RawBody: string(e.Data), Timestamp: ms}}
}
