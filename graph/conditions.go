package graph

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/graph/model"
)

// conditionArgs are the arguments of if and ifnot.
type conditionArgs struct {
	Selector *string
	Visible  *bool
	Request  *model.RequestInput
	Response *model.ResponseInput
}

// gateConditions is a root-field middleware that runs if and ifnot. gqlgen
// resolves a field whose type is Mutation without calling its resolver, so
// the condition is tested here: when the field should not run, it answers
// null and the nested mutations never start.
func (r *Resolver) gateConditions(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	rfc := graphql.GetRootFieldContext(ctx)
	if rfc == nil || (rfc.Field.Name != "if" && rfc.Field.Name != "ifnot") {
		return next(ctx)
	}
	run, err := r.shouldRun(ctx, rfc.Field)
	if err != nil {
		graphql.AddError(graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Mutation", Field: rfc.Field}), err)
		return graphql.Null
	}
	if !run {
		return graphql.Null
	}
	return next(ctx)
}

// shouldRun asks the field's resolver whether its nested mutations run.
func (r *Resolver) shouldRun(ctx context.Context, field graphql.CollectedField) (bool, error) {
	op := graphql.GetOperationContext(ctx)
	raw, err := json.Marshal(substituted(field.ArgumentMap(op.Variables), exported(ctx)))
	if err != nil {
		return false, err
	}
	var a conditionArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return false, sessionql.Errorf(sessionql.CodeInvalidArgument, "The condition's arguments are not valid: %v.", err)
	}
	resolve := r.Mutation().If
	if field.Name == "ifnot" {
		resolve = r.Mutation().Ifnot
	}
	m, err := resolve(ctx, a.Selector, a.Visible, a.Request, a.Response)
	return m != nil, err
}

// condition tests an if or ifnot condition at this moment.
func condition(ctx context.Context, selector *string, visible *bool, req *model.RequestInput, res *model.ResponseInput) (bool, error) {
	given := 0
	for _, set := range []bool{selector != nil, req != nil, res != nil} {
		if set {
			given++
		}
	}
	if given != 1 {
		return false, sessionql.Errorf(sessionql.CodeInvalidArgument, "A condition needs exactly one of selector, request and response.")
	}
	r := request(ctx)
	switch {
	case req != nil:
		return r.Recording.Has(requestFilter(req), false), nil
	case res != nil:
		return r.Recording.Has(responseFilter(res), true), nil
	}
	return r.Page.Exists(ctx, *selector, value(visible), r.Timeout)
}

// ran is what if and ifnot resolve to: an empty Mutation when the nested
// mutations run, nil when they do not.
func ran(run bool, err error) (*model.Mutation, error) {
	if err != nil || !run {
		return nil, err
	}
	return &model.Mutation{}, nil
}
