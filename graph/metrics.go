package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// ObserveMutations calls observe with the name and duration of every
// top-level mutation field that a request runs, for latency metrics.
func (h *Handler) ObserveMutations(observe func(field string, took time.Duration)) {
	h.exec.AroundRootFields(func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		fc := graphql.GetRootFieldContext(ctx)
		if fc == nil || graphql.GetOperationContext(ctx).Operation.Operation != ast.Mutation {
			return next(ctx)
		}
		start := time.Now()
		res := next(ctx)
		observe(fc.Field.Name, time.Since(start))
		return res
	})
}
