package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/sessionql/sessionql/engine"
	"github.com/vektah/gqlparser/v2/ast"
)

// mapPlan reads from the query what a mapSelector field asks of each
// element, so that one script collects the whole tree.
func mapPlan(ctx context.Context) engine.MapPlan {
	fc := graphql.GetFieldContext(ctx)
	return planOf(ctx, graphql.GetOperationContext(ctx), fc.Field.Selections)
}

func planOf(ctx context.Context, op *graphql.OperationContext, sel ast.SelectionSet) engine.MapPlan {
	plan := engine.MapPlan{Children: map[string]engine.MapPlan{}}
	vals := exported(ctx)
	for _, f := range graphql.CollectFields(op, sel, []string{"MapSelectorResponse"}) {
		args := f.ArgumentMap(op.Variables)
		switch f.Name {
		case "attribute":
			plan.Attributes = append(plan.Attributes, substituted(args["name"], vals).(string))
		case "mapSelector":
			s := substituted(args["selector"], vals).(string)
			plan.Children[s] = merge(plan.Children[s], planOf(ctx, op, f.Selections))
		case "id", "class", "innerText", "innerHTML", "outerHTML":
			plan.Fields = append(plan.Fields, f.Name)
		}
	}
	return plan
}

// merge joins the plans of one nested selector asked for twice, under two
// aliases.
func merge(a, b engine.MapPlan) engine.MapPlan {
	if a.Children == nil {
		return b
	}
	a.Fields = slices.Compact(slices.Sorted(slices.Values(append(a.Fields, b.Fields...))))
	a.Attributes = slices.Compact(slices.Sorted(slices.Values(append(a.Attributes, b.Attributes...))))
	for s, p := range b.Children {
		a.Children[s] = merge(a.Children[s], p)
	}
	return a
}
