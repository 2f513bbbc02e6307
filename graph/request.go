package graph

import (
	"context"
	"sync"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
)

// DefaultTimeout is how long a waiting field waits unless it says otherwise.
const DefaultTimeout = 30 * time.Second

// settleLimit bounds how long a request's end waits for a navigation it
// left in flight to replace the document.
const settleLimit = 5 * time.Second

// Request is the state of one BrowserQL request: the page its fields run on
// and what earlier fields set for later ones.
type Request struct {
	Page      *engine.Page
	Timeout   time.Duration     // changed by preferences(timeout:)
	Exports   map[string]string // values stored by @export(as:)
	Endpoints Endpoints         // what reconnect answers

	// Recording holds what the page requested since the request began; nil
	// for requests without a page.
	Recording *engine.Recording
	// Dialogs answers the page's dialogs while the request runs.
	Dialogs *engine.Dialogs

	mu                sync.Mutex // guards Exports, which sibling fields may set at once, and the step names
	previous, current string     // the names of the step before this one and of this one
}

// Endpoints are the session's own URLs.
type Endpoints struct {
	BrowserQL string // the session's BrowserQL URL
	Connect   string // the session's CDP WebSocket URL
}

type (
	requestKey   struct{}
	endpointsKey struct{}
)

// WithRequest puts the request state where the resolvers find it.
func WithRequest(ctx context.Context, r *Request) context.Context {
	if r.Timeout == 0 {
		r.Timeout = DefaultTimeout
	}
	if r.Exports == nil {
		r.Exports = map[string]string{}
	}
	return context.WithValue(ctx, requestKey{}, r)
}

// WithEndpoints tells Handler.Serve the session's URLs, which reconnect
// answers; the REST layer sets it on the HTTP request's context.
func WithEndpoints(ctx context.Context, e Endpoints) context.Context {
	return context.WithValue(ctx, endpointsKey{}, e)
}

func endpointsFrom(ctx context.Context) Endpoints {
	e, _ := ctx.Value(endpointsKey{}).(Endpoints)
	return e
}

func request(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// begin starts what lives as long as the request: recording the page's
// network traffic and answering its dialogs.
func (r *Request) begin() error {
	if r.Page == nil {
		return nil
	}
	rec, err := r.Page.Record()
	if err != nil {
		return sessionql.Errorf(sessionql.CodeBrowserDisconnect, "The browser did not answer: %v.", err)
	}
	r.Recording = rec
	if r.Dialogs, err = r.Page.WatchDialogs(); err != nil {
		rec.Close()
		return sessionql.Errorf(sessionql.CodeBrowserDisconnect, "The browser did not answer: %v.", err)
	}
	return nil
}

// end lets a navigation the request started replace the document, then
// undoes what only lasts for the request: the recording, answering dialogs,
// and blocking by reject and routing by proxy.
func (r *Request) end() {
	if r.Page == nil {
		return
	}
	if r.Recording != nil {
		r.Recording.Close()
	}
	r.Page.Settle(settleLimit)
	if r.Dialogs != nil {
		r.Dialogs.Close()
	}
	r.Page.Unblock()
}

// export stores a value for ${name} in later arguments.
func (r *Request) export(name, value string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Exports[name] = value
}

// stepTimeout is a field's timeout argument in milliseconds, or the request's.
func stepTimeout(ctx context.Context, ms *float64) (time.Duration, error) {
	if ms == nil {
		return request(ctx).Timeout, nil
	}
	return millis(*ms, "timeout")
}

// millis reads a positive duration of at most a day in milliseconds.
func millis(ms float64, name string) (time.Duration, error) {
	if ms <= 0 || ms > 24*60*60*1000 {
		return 0, sessionql.Errorf(sessionql.CodeInvalidArgument, "%s must be between 1 and 86400000 ms, not %v.", name, ms)
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}

// since is the milliseconds from start, as every result's time field says.
func since(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}
