package api

import (
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/sessionql/sessionql"
)

// maxBody bounds every request body; larger ones get 413.
const maxBody = 1 << 20

// auth refuses every request without the token, given as ?token= or as
// Authorization: Bearer. An empty token turns auth off.
func auth(token string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if token == "" {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !validToken(r, token) {
				writeError(w, sessionql.Errorf(sessionql.CodeUnauthorized, "A valid token is required: pass ?token= or an Authorization: Bearer header."))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func validToken(r *http.Request, token string) bool {
	given := r.URL.Query().Get("token")
	if h := r.Header.Get("Authorization"); given == "" && strings.HasPrefix(h, "Bearer ") {
		given = strings.TrimPrefix(h, "Bearer ")
	}
	return subtle.ConstantTimeCompare([]byte(given), []byte(token)) == 1
}

// drainLimit is how much of a declared oversized body the server still
// reads, and throws away, before it answers 413: a client still sending
// when the server closes the connection gets a reset, which can destroy the
// answer before the client reads it. Past this, the server answers at once.
const drainLimit = 8 << 20

// drainTimeout bounds that reading, against a client that trickles.
const drainTimeout = 5 * time.Second

// limitBody caps request bodies so that one client cannot exhaust memory.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBody {
			if r.ContentLength <= drainLimit {
				http.NewResponseController(w).SetReadDeadline(time.Now().Add(drainTimeout))
				io.Copy(io.Discard, r.Body)
			}
			writeError(w, tooLarge())
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

func tooLarge() error {
	return sessionql.Errorf(sessionql.CodePayloadTooLarge, "The body is larger than %d bytes.", maxBody)
}

// isTooLarge reports whether a body read failed on the size limit.
func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// recoverer answers 500 in the error shape instead of dropping the
// connection when a handler panics, and logs the stack.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				slog.Error("handler panicked", "panic", v, "stack", string(debug.Stack()))
				writeError(w, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
