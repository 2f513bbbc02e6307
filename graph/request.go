package graph

import (
	"context"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
)

// DefaultTimeout is how long a waiting field waits unless it says otherwise.
const DefaultTimeout = 30 * time.Second

// Request is the state of one BrowserQL request: the page its fields run on
// and what earlier fields set for later ones.
type Request struct {
	Page    *engine.Page
	Timeout time.Duration     // changed by preferences(timeout:)
	Exports map[string]string // values stored by @export(as:)
}

type requestKey struct{}

// WithRequest puts the request state where the resolvers find it.
func WithRequest(ctx context.Context, r *Request) context.Context {
	if r.Timeout == 0 {
		r.Timeout = DefaultTimeout
	}
	return context.WithValue(ctx, requestKey{}, r)
}

func request(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// stepTimeout is a field's timeout argument in milliseconds, or the request's.
func stepTimeout(ctx context.Context, ms *float64) (time.Duration, error) {
	if ms == nil {
		return request(ctx).Timeout, nil
	}
	if *ms <= 0 || *ms > 24*60*60*1000 {
		return 0, sessionql.Errorf(sessionql.CodeInvalidArgument, "timeout must be between 1 and 86400000 ms, not %v.", *ms)
	}
	return time.Duration(*ms * float64(time.Millisecond)), nil
}

// since is the milliseconds from start, as every result's time field says.
func since(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}
