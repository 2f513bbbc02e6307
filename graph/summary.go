package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Summary is what a BrowserQL request asked and how it ended, for the
// session's event log: never the variables' values, which may hold
// secrets, nor the answer.
type Summary struct {
	Operation string   `json:"operation,omitempty"`
	Fields    []string `json:"fields"`
	Errors    []string `json:"errors,omitempty"` // error codes
}

type summaryKey struct{}

// WithSummary makes Serve fill s with what the request did.
func WithSummary(ctx context.Context, s *Summary) context.Context {
	return context.WithValue(ctx, summaryKey{}, s)
}

// summarize notes the operation's name and top-level fields, and the
// codes of errs, when the request's context asked for a Summary.
func summarize(ctx context.Context, opCtx *graphql.OperationContext, errs gqlerror.List) {
	s, _ := ctx.Value(summaryKey{}).(*Summary)
	if s == nil {
		return
	}
	if opCtx != nil && opCtx.Operation != nil {
		s.Operation = opCtx.Operation.Name
		for _, sel := range opCtx.Operation.SelectionSet {
			if f, ok := sel.(*ast.Field); ok {
				s.Fields = append(s.Fields, f.Name)
			}
		}
	}
	for _, e := range errs {
		code, _ := e.Extensions["code"].(string)
		s.Errors = append(s.Errors, code)
	}
}
