package api

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql"
)

// givenToken is what a request offers as its credential: ?token= (the
// Browserless way, which the session URLs use) or Authorization: Bearer.
func givenToken(r *http.Request) string {
	given := r.URL.Query().Get("token")
	if h := r.Header.Get("Authorization"); given == "" && strings.HasPrefix(h, "Bearer ") {
		given = strings.TrimPrefix(h, "Bearer ")
	}
	return given
}

func (a *API) isServerToken(given string) bool {
	return subtle.ConstantTimeCompare([]byte(given), []byte(a.cfg.Token)) == 1
}

// requireServer guards what only the server token opens: create, list,
// pressure, metrics. A session credential is refused with a message that
// says so. With no server token, auth is off.
func (a *API) requireServer(next http.Handler) http.Handler {
	return a.requireServerKey(givenToken)(next)
}

// requireServerKey is requireServer with the credential read by key.
func (a *API) requireServerKey(key func(*http.Request) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			given := key(r)
			if a.cfg.Token != "" && !a.isServerToken(given) {
				writeError(w, unauthorized(given, "this endpoint"))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// requireSession guards one session's routes: the server token opens them,
// and so does that session's credential of the current generation. A
// credential proven for this id reaches the handler even when the session
// is gone, so that its holder learns it expired. The generation used goes
// into the request's context (see credentialGen).
func (a *API) requireSession(next http.Handler) http.Handler {
	return a.requireSessionKey(givenToken)(next)
}

// requireSessionKey is requireSession with the credential read by key.
func (a *API) requireSessionKey(key func(*http.Request) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			gen, err := a.sessionAccess(chi.URLParam(r, "id"), key(r))
			if err != nil {
				writeError(w, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), credentialKey{}, gen)))
		})
	}
}

// sessionAccess checks a token for session id; gen is the generation of
// the session credential used, or -1 for the server token or no auth.
func (a *API) sessionAccess(id, given string) (gen int, err error) {
	if a.cfg.Token == "" || a.isServerToken(given) {
		return -1, nil
	}
	gen, ok := a.creds.verify(given, id)
	if !ok {
		return 0, unauthorized(given, "session "+id)
	}
	sess, _, err := a.sessions.Get(id)
	if err == nil && sess.TokenGen != gen {
		return 0, sessionql.Errorf(sessionql.CodeUnauthorized, "This session credential was replaced (PATCH with rotateToken); use the URLs that answer returned, or the server token.")
	}
	return gen, nil
}

type credentialKey struct{}

// credentialGen is the generation of the session credential a request was
// let in with, or -1 when it was not a session credential.
func credentialGen(r *http.Request) int {
	gen, ok := r.Context().Value(credentialKey{}).(int)
	if !ok {
		return -1
	}
	return gen
}

// unauthorized is the refusal of a missing or wrong token; what names the
// resource that was asked for.
func unauthorized(given, what string) error {
	if isLiveToken(given) {
		return sessionql.Errorf(sessionql.CodeUnauthorized, "A live-view token opens only its session's live view; %s needs the server token.", what)
	}
	if isCredential(given) {
		return sessionql.Errorf(sessionql.CodeUnauthorized, "A session credential opens only its own session's URLs (its BrowserQL, connect and stop); %s needs the server token.", what)
	}
	return sessionql.Errorf(sessionql.CodeUnauthorized, "A valid token is required: pass ?token= or an Authorization: Bearer header.")
}
