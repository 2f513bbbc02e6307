package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// navigatingSteps are the fields whose navigation waitForNavigation answers
// when it runs right after one of them, as Browserless does.
var navigatingSteps = map[string]bool{"goto": true, "reload": true, "back": true, "forward": true}

// trackSteps is a field middleware that remembers, for each step, the name
// of the step before it in this request.
func trackSteps(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if r := request(ctx); r != nil && fc != nil && fc.Object == "Mutation" {
		r.mu.Lock()
		r.previous, r.current = r.current, fc.Field.Name
		r.mu.Unlock()
	}
	return next(ctx)
}

// afterNavigatingStep tells whether the step before this one navigated.
func afterNavigatingStep(ctx context.Context) bool {
	r := request(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	return navigatingSteps[r.previous]
}
