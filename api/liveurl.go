package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/graph"
)

// viewOptions are how a live view shows a session and what it lets the
// viewer do.
type viewOptions struct {
	Interactable bool   `json:"interactable"`
	Format       string `json:"type"`
	Quality      int    `json:"quality"`
	Resizable    bool   `json:"resizable"`
}

// defaultView is Browserless's liveURL default: interactive jpeg at full
// quality, resizable.
var defaultView = viewOptions{Interactable: true, Format: "jpeg", Quality: 100, Resizable: true}

// LiveURL is a shareable live view and when it stops working.
type LiveURL struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	ExpiresAt string `json:"expiresAt"`
}

// createLiveURL answers POST /sessions/{id}/live-url.
func (a *API) createLiveURL(w http.ResponseWriter, r *http.Request) {
	var req graph.LiveURLArgs // every field is optional
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			writeError(w, err)
			return
		}
	}
	view, timeout, err := liveOptions(req)
	if err != nil {
		writeError(w, err)
		return
	}
	live, err := a.mintLiveURL(r, chi.URLParam(r, "id"), view, timeout)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, live)
}

// revokeLiveURLs answers DELETE /sessions/{id}/live-url: every live URL of
// the session stops working, and views opened with one end.
func (a *API) revokeLiveURLs(w http.ResponseWriter, r *http.Request) {
	if _, err := a.live.revoke(chi.URLParam(r, "id")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// liveOptions are the view and lifetime a live URL is asked for with,
// defaultView where not given.
func liveOptions(req graph.LiveURLArgs) (viewOptions, time.Duration, error) {
	v := defaultView
	if req.Interactable != nil {
		v.Interactable = *req.Interactable
	}
	if req.Resizable != nil {
		v.Resizable = *req.Resizable
	}
	if req.Type != nil {
		v.Format = *req.Type
	}
	if req.Quality != nil {
		v.Quality = *req.Quality
	}
	var timeout time.Duration
	if req.Timeout != nil {
		if *req.Timeout <= 0 {
			return v, 0, invalid("timeout is how long the live URL works, in milliseconds; it must be more than 0.")
		}
		timeout = time.Duration(*req.Timeout * float64(time.Millisecond))
	}
	return v, timeout, v.check()
}

func (v viewOptions) check() error {
	if v.Format != "jpeg" && v.Format != "png" {
		return invalid("type is jpeg or png, not %q.", v.Format)
	}
	if v.Quality < 1 || v.Quality > 100 {
		return invalid("quality is from 1 to 100, not %d.", v.Quality)
	}
	return nil
}

// mintLiveURL makes a live-view URL of session id with a new token that
// works until timeout (0: until the session's expiry as it is now).
func (a *API) mintLiveURL(r *http.Request, id string, view viewOptions, timeout time.Duration) (LiveURL, error) {
	sess, _, err := a.sessions.Get(id)
	if err != nil {
		return LiveURL{}, err
	}
	expires := sess.ExpiresAt
	if timeout > 0 && time.Now().Add(timeout).Before(expires) {
		expires = time.Now().Add(timeout)
	}
	token, err := a.live.mint(&liveGrant{session: id, expires: expires, view: view})
	if err != nil {
		return LiveURL{}, err
	}
	u := a.publicURL(r) + "/sessions/" + url.PathEscape(id) + "/live?token=" + url.QueryEscape(token)
	return LiveURL{ID: liveURLID(token), URL: u, ExpiresAt: expires.UTC().Format(time.RFC3339Nano)}, nil
}

// liveURLMaker is what the liveURL mutation of a BrowserQL request on
// session id calls.
func (a *API) liveURLMaker(r *http.Request, id string) graph.LiveURLMaker {
	return func(_ context.Context, args graph.LiveURLArgs) (graph.LiveURL, error) {
		view, timeout, err := liveOptions(args)
		if err != nil {
			return graph.LiveURL{}, sessionql.Errorf(sessionql.CodeInvalidArgument, "%s", sessionql.ErrorMessage(err))
		}
		live, err := a.mintLiveURL(r, id, view, timeout)
		return graph.LiveURL{URL: live.URL, ID: live.ID}, err
	}
}

// queryView reads view options from a live page's query, for viewers let
// in with the server token or the session's credential.
func queryView(q url.Values) (viewOptions, error) {
	v := defaultView
	for key, set := range map[string]func(string) error{
		"interactable": func(s string) (err error) { v.Interactable, err = strconv.ParseBool(s); return },
		"resizable":    func(s string) (err error) { v.Resizable, err = strconv.ParseBool(s); return },
		"quality":      func(s string) (err error) { v.Quality, err = strconv.Atoi(s); return },
		"type":         func(s string) error { v.Format = s; return nil },
	} {
		if s := q.Get(key); s != "" {
			if err := set(s); err != nil {
				return v, invalid("%s=%q is not valid: %v.", key, s, err)
			}
		}
	}
	return v, v.check()
}

// liveURLID names a live URL without giving its token away: the first 16
// hex digits of the token's SHA-256.
func liveURLID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:8])
}
