package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// rawParams is a GraphQL request body as clients send it. Browserless's IDE
// exports "variables": "" for no variables, so variables is read by hand.
type rawParams struct {
	Query         string          `json:"query"`
	OperationName string          `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    map[string]any  `json:"extensions"`
}

// decodeParams reads a request body. variables may be an object, null, or
// a string holding JSON (an empty one is no variables).
func decodeParams(body io.Reader) (graphql.RawParams, error) {
	var raw rawParams
	dec := json.NewDecoder(body)
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return graphql.RawParams{}, err
	}
	p := graphql.RawParams{Query: raw.Query, OperationName: raw.OperationName, Extensions: raw.Extensions}
	vars := bytes.TrimSpace(raw.Variables)
	if len(vars) > 0 && vars[0] == '"' {
		var s string
		if err := json.Unmarshal(vars, &s); err != nil {
			return p, err
		}
		vars = bytes.TrimSpace([]byte(s))
	}
	if len(vars) == 0 || string(vars) == "null" {
		return p, nil
	}
	d := json.NewDecoder(bytes.NewReader(vars))
	d.UseNumber()
	if err := d.Decode(&p.Variables); err != nil {
		return p, fmt.Errorf("variables must be an object: %w", err)
	}
	return p, nil
}

// queryFields are the fields of the Query type, which a query runs as
// such; a query that asks for anything else runs as a mutation.
var queryFields = map[string]bool{"version": true, "__schema": true, "__type": true, "__typename": true}

// mutationsInQueries is the executor extension that runs queryAsMutation.
// It is used after AutomaticPersistedQuery, so that a persisted query's hash
// is checked, and its text kept, as the client sent it.
type mutationsInQueries struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = mutationsInQueries{}

// ExtensionName names the extension in gqlgen's list.
func (mutationsInQueries) ExtensionName() string { return "MutationsInQueries" }

// Validate accepts every schema.
func (mutationsInQueries) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters rewrites the request's query document.
func (mutationsInQueries) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	p.Query = queryAsMutation(p.Query)
	return nil
}

// queryAsMutation rewrites a query document whose operations ask for
// mutations' fields (`query { goto(…) { status } }`, as Browserless accepts)
// into mutations, so that they run in document order on the page. Any other
// document, or one that does not parse, is returned as it is, for the
// executor to judge.
func queryAsMutation(query string) string {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return query
	}
	changed := false
	for _, op := range doc.Operations {
		if op.Operation == ast.Query && asksMutations(op.SelectionSet) {
			op.Operation = ast.Mutation
			changed = true
		}
	}
	if !changed {
		return query
	}
	var buf bytes.Buffer
	formatter.NewFormatter(&buf).FormatQueryDocument(doc)
	return buf.String()
}

// asksMutations tells whether a selection set names a field the Query type
// does not have (fragments are not followed: a query's own fields are few).
func asksMutations(set ast.SelectionSet) bool {
	for _, s := range set {
		if f, ok := s.(*ast.Field); ok && !queryFields[f.Name] {
			return true
		}
	}
	return false
}
