package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/api/playground"
	"github.com/sessionql/sessionql/events"
	"github.com/sessionql/sessionql/graph"
)

// runBQL answers a GraphQL request on the session. The stealth gate comes
// before the query is even read.
func (a *API) runBQL(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	sess, _, err := a.sessions.Get(id)
	if err != nil {
		writeError(w, err)
		return
	}
	if !sess.Options.Stealth {
		writeError(w, sessionql.Errorf(sessionql.CodeStealthRequired, "BrowserQL runs only on stealth sessions; create the session with \"stealth\": true."))
		return
	}
	if err := readBody(r); err != nil {
		writeError(w, err)
		return
	}
	connect, bql, _ := a.urls(r, sess)
	ctx := graph.WithEndpoints(r.Context(), graph.Endpoints{BrowserQL: bql, Connect: connect})
	sum := &graph.Summary{}
	ctx = graph.WithRecordingStop(ctx, func(ctx context.Context) error { return a.sessions.StopRecording(ctx, id) })
	r = r.WithContext(graph.WithSummary(graph.WithLiveURL(ctx, a.liveURLMaker(r, id)), sum))
	results := w
	if acceptsGraphQLResponse(r) {
		results = graphQLResponseWriter{w}
	}
	start := time.Now()
	if err := a.bql.ServeSession(results, r, a.sessions, id); err != nil {
		writeError(w, err)
		sum.Errors = append(sum.Errors, sessionql.ErrorCode(err))
	}
	a.sessions.Record(id, events.BQLRequest, bqlEvent{Summary: sum, Ms: time.Since(start).Milliseconds()})
	// The answer, whose length is set, goes out now, with its event in the
	// log, rather than after the access log's line and the metrics (0.3–0.5
	// ms when the log is a pipe, as under systemd or Docker).
	http.NewResponseController(w).Flush()
}

// bqlEvent is a bql_request event: what was asked, how long it took, which
// errors it had; never the variables.
type bqlEvent struct {
	*graph.Summary
	Ms int64 `json:"ms"`
}

// readBody reads the whole body before the query is parsed, so that a body
// over the limit is a 413 even when it came without a Content-Length.
func readBody(r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if isTooLarge(err) {
		return tooLarge()
	}
	if isTimeout(err) {
		return slowBody()
	}
	if err != nil {
		return invalid("The body could not be read: %v.", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

// playground serves GraphiQL bound to the session's own endpoint.
func (a *API) playground(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	sess, _, err := a.sessions.Get(id)
	if err != nil {
		writeError(w, err)
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), "text/html") {
		writeError(w, invalid("GET serves the playground to browsers (Accept: text/html); send queries with POST."))
		return
	}
	_, bql, _ := a.urls(r, sess)
	playground.PageFor(w, bql, id)
}
