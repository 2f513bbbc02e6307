package api

import (
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"

	"github.com/go-chi/chi/v5"
)

// forwardedHeader marks a request one node forwarded to the session's
// owner, so that the owner serves it and never forwards it again.
const forwardedHeader = "X-Sessionql-Forwarded"

// forward sends a request for a session that another node runs to that
// node (cluster mode), WebSocket upgrades included; the owner checks the
// credentials. Outside cluster mode, for a session no live node runs, and
// for a request already forwarded, the next handler serves it here, where
// the session is claimed when its browser is needed.
func (a *API) forward(next http.Handler) http.Handler {
	if !a.sessions.Clustered() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := chi.URLParam(r, "id")
		target, err := a.sessions.Route(id, r.Header.Get(forwardedHeader) != "")
		if err != nil {
			writeError(w, err)
			return
		}
		if target == nil {
			next.ServeHTTP(w, r)
			return
		}
		a.proxy(target, id).ServeHTTP(w, r)
	})
}

// proxy forwards to the owner at target. The request keeps its Host, so
// that the URLs the owner answers with are the ones the client used; an
// owner that does not answer makes the answer session_moving.
func (a *API) proxy(target *url.URL, id string) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host
			pr.Out.Header.Set(forwardedHeader, "1")
			if v := pr.In.Header.Values("X-Forwarded-For"); len(v) > 0 {
				pr.Out.Header["X-Forwarded-For"] = v // SetXForwarded would add this hop
			}
		},
		FlushInterval: -1, // events streams and live frames go through at once
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			slog.Warn("the session's node did not answer a forwarded request", "session", id, "node", target.String(), "err", err)
			writeError(w, a.sessions.OwnerUnreachable(id))
		},
	}
}
