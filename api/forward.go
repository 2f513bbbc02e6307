package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"

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
		Transport:     &watchOwner{base: http.DefaultTransport, alive: func() bool { return a.sessions.OwnedBy(id, target) }},
		FlushInterval: -1, // events streams and live frames go through at once
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			slog.Warn("the session's node did not answer a forwarded request", "session", id, "node", target.String(), "err", err)
			writeError(w, a.sessions.OwnerUnreachable(id))
		},
	}
}

// ownerCheckEvery is how often a forwarded request that has no answer yet
// checks that its node still holds its lease.
const ownerCheckEvery = 500 * time.Millisecond

// errOwnerGone ends a forwarded request whose node stopped renewing its
// lease before it answered: a stopped (SIGSTOP) or hung node accepts
// connections in the kernel but never answers them.
var errOwnerGone = errors.New("the session's node lost its lease before it answered")

// watchOwner is a transport that gives up waiting for an answer once the
// owner is no longer alive; an owner that keeps its lease may take as long
// as the request needs.
type watchOwner struct {
	base  http.RoundTripper
	alive func() bool
}

func (w *watchOwner) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(r.Context())
	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := w.base.RoundTrip(r.WithContext(ctx))
		done <- result{resp, err}
	}()
	tick := time.NewTicker(ownerCheckEvery)
	defer tick.Stop()
	for {
		select {
		case res := <-done:
			return endWithBody(res.resp, func() { cancel(nil) }), res.err
		case <-tick.C:
			if !w.alive() {
				cancel(errOwnerGone)
				<-done
				return nil, errOwnerGone
			}
		}
	}
}

// endWithBody ends a forwarded request's context once its answer was
// read; an upgraded connection (101) keeps it until the client's request
// ends, since its body must stay the connection itself.
func endWithBody(resp *http.Response, end func()) *http.Response {
	if resp == nil || resp.StatusCode == http.StatusSwitchingProtocols {
		return resp
	}
	resp.Body = &endingBody{ReadCloser: resp.Body, end: end}
	return resp
}

type endingBody struct {
	io.ReadCloser
	end func()
}

func (b *endingBody) Close() error {
	err := b.ReadCloser.Close()
	b.end()
	return err
}
