package graph

import (
	"context"

	"github.com/sessionql/sessionql"
)

// LiveURLArgs are the arguments of liveURL, absent ones nil.
type LiveURLArgs struct {
	Timeout      *float64 `json:"timeout"`
	Interactable *bool    `json:"interactable"`
	Type         *string  `json:"type"`
	Quality      *int     `json:"quality"`
	Resizable    *bool    `json:"resizable"`
}

// LiveURLMaker makes a live-view URL of the request's session.
type LiveURLMaker func(ctx context.Context, args LiveURLArgs) (string, error)

type liveURLKey struct{}

// WithLiveURL tells Handler.Serve how liveURL makes its URL; the REST
// layer sets it on the HTTP request's context.
func WithLiveURL(ctx context.Context, make LiveURLMaker) context.Context {
	return context.WithValue(ctx, liveURLKey{}, make)
}

// makeLiveURL runs the request's LiveURLMaker.
func makeLiveURL(ctx context.Context, args LiveURLArgs) (string, error) {
	make, ok := ctx.Value(liveURLKey{}).(LiveURLMaker)
	if !ok {
		return "", sessionql.Errorf(sessionql.CodeInternal, "The server did not tell this request how to make live URLs.")
	}
	return make(ctx, args)
}
