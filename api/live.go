package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"
	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/api/webui"
)

type grantKey struct{}

// requireLive guards a session's live view: the server token, the
// session's credential, or a live-view token of that session open it. A
// live-view token opens nothing else (see requireServer, requireSession).
func (a *API) requireLive(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, given := chi.URLParam(r, "id"), givenToken(r)
		if g, ok := a.live.lookup(given, id); ok {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), grantKey{}, g)))
			return
		}
		if _, err := a.sessionAccess(id, given); err != nil {
			if isLiveToken(given) {
				err = sessionql.Errorf(sessionql.CodeUnauthorized, "This live-view link has expired or was revoked; ask for a new one.")
			}
			a.liveRefusal(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// grantOf is the live-view token a request was let in with, or nil.
func grantOf(r *http.Request) *liveGrant {
	g, _ := r.Context().Value(grantKey{}).(*liveGrant)
	return g
}

// liveRefusal answers a person's browser with a page and anything else in
// the error shape.
func (a *API) liveRefusal(w http.ResponseWriter, r *http.Request, err error) {
	if websocket.IsWebSocketUpgrade(r) || r.URL.Path != "/sessions/"+chi.URLParam(r, "id")+"/live" {
		writeError(w, err)
		return
	}
	status, ok := statuses[sessionql.ErrorCode(err)]
	if !ok {
		status = http.StatusInternalServerError
	}
	webui.Message(w, status, "Live view unavailable", sessionql.ErrorMessage(err))
}

// viewOf is the view a request asks for: a live-view token's own, else the
// page's query.
func viewOf(r *http.Request) (viewOptions, error) {
	if g := grantOf(r); g != nil {
		return g.view, nil
	}
	return queryView(r.URL.Query())
}

// livePage serves the live view of a session; its script opens the
// socket at liveSocket with the same query.
func (a *API) livePage(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if _, _, err := a.sessions.Get(id); err != nil {
		a.liveRefusal(w, r, err)
		return
	}
	if _, err := viewOf(r); err != nil {
		a.liveRefusal(w, r, err)
		return
	}
	webui.Live(w, id)
}

// liveSocket streams the session's tab to one viewer and takes its input.
// The session stays live while the viewer watches.
func (a *API) liveSocket(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	view, err := viewOf(r)
	if err == nil {
		_, _, err = a.sessions.Get(id)
	}
	if err == nil && !websocket.IsWebSocketUpgrade(r) {
		err = invalid("The live view's stream is a WebSocket; open /sessions/%s/live in a browser.", id)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	watch, err := a.sessions.Watch(r.Context(), id)
	if err != nil {
		writeError(w, err)
		return
	}
	defer watch.End()
	ws, err := a.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // upgradeError has answered
	}
	v := newViewer(r.Context(), a, ws, id, watch, view, grantOf(r))
	v.run()
}
