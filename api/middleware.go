package api

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/sessionql/sessionql"
)

// maxBody bounds every request body; larger ones get 413.
const maxBody = 1 << 20

// drainLimit is how much of a declared oversized body the server still
// reads, and throws away, before it answers 413: a client still sending
// when the server closes the connection gets a reset, which can destroy the
// answer before the client reads it. Past this, the server answers at once.
const drainLimit = 8 << 20

// drainTimeout bounds that reading, against a client that trickles.
const drainTimeout = 5 * time.Second

// defaultBodyTimeout is how long a client may take to send a request body
// when Config.BodyTimeout is not set.
const defaultBodyTimeout = 30 * time.Second

// limitBody caps request bodies so that one client cannot exhaust memory,
// and gives the body a read deadline so that one client cannot hold a
// connection by trickling it. The deadline is lifted once the body is read:
// http.Server.ReadTimeout would instead end a long BrowserQL request, whose
// context the server cancels when its background read fails.
func (a *API) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBody {
			if r.ContentLength <= drainLimit {
				http.NewResponseController(w).SetReadDeadline(time.Now().Add(drainTimeout))
				io.Copy(io.Discard, r.Body)
			}
			writeError(w, tooLarge())
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = a.deadlineBody(w, r.Body)
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

// deadlineBody sets the connection's read deadline for the body and lifts
// it when the body has been read to its end.
func (a *API) deadlineBody(w http.ResponseWriter, body io.ReadCloser) io.ReadCloser {
	timeout := a.cfg.BodyTimeout
	if timeout <= 0 {
		timeout = defaultBodyTimeout
	}
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(time.Now().Add(timeout)) != nil {
		return body
	}
	return &deadlineReader{ReadCloser: body, lift: func() { rc.SetReadDeadline(time.Time{}) }}
}

// deadlineReader lifts the read deadline at the end of the body.
type deadlineReader struct {
	io.ReadCloser
	lift   func()
	lifted bool
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	n, err := d.ReadCloser.Read(p)
	if err == io.EOF && !d.lifted {
		d.lifted = true
		d.lift()
	}
	return n, err
}

// slowBody is the answer to a body that did not arrive within its deadline.
func slowBody() error {
	return sessionql.Errorf(sessionql.CodeRequestTimeout, "The request body did not arrive in time; send it at once.")
}

// isTimeout reports whether a body read failed on its deadline.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
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
