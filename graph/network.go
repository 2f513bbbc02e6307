package graph

import (
	"context"
	"strings"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/graph/model"
)

// filter builds the engine's network filter from a field's lists.
func filter(urls []string, types []model.ResourceType, methods []model.Method, statuses []int, op *model.OperatorTypes) engine.Filter {
	f := engine.Filter{URLs: urls, Statuses: statuses, Any: op == nil || *op == model.OperatorTypesOr}
	for _, t := range types {
		f.Types = append(f.Types, string(t))
	}
	for _, m := range methods {
		f.Methods = append(f.Methods, string(m))
	}
	return f
}

func requestFilter(c *model.RequestInput) engine.Filter {
	return filter(c.URL, c.Type, c.Method, nil, c.Operator)
}

func responseFilter(c *model.ResponseInput) engine.Filter {
	return filter(c.URL, c.Type, c.Method, append(append(c.Status, c.Statuses...), c.Codes...), c.Operator)
}

// resourceType names the browser's resource type as the ResourceType enum
// does.
func resourceType(t string) string { return strings.ToLower(t) }

func headers(h []engine.Header) []model.Header {
	out := make([]model.Header, len(h))
	for i, x := range h {
		out[i] = model.Header{Name: x.Name, Value: x.Value}
	}
	return out
}

func networkRequests(xs []engine.Exchange) []model.NetworkRequest {
	out := make([]model.NetworkRequest, len(xs))
	for i, x := range xs {
		out[i] = model.NetworkRequest{URL: x.URL, Method: x.Method, Type: resourceType(x.Type), Headers: headers(x.Headers), PostData: x.PostData}
	}
	return out
}

// networkResponses maps recorded responses; each body is fetched only if
// the query asks for it.
func networkResponses(ctx context.Context, c call, xs []engine.Exchange) []model.NetworkResponse {
	rec := request(ctx).Recording
	out := make([]model.NetworkResponse, len(xs))
	for i, x := range xs {
		id := x.ID
		out[i] = model.NetworkResponse{URL: x.URL, Status: x.Response.Status, StatusText: x.Response.StatusText, Method: x.Method,
			Type: resourceType(x.Type), MimeType: x.Response.MimeType, Headers: headers(x.Response.Headers),
			Lazy: &model.LazyBody{Fetch: func(ctx context.Context) (string, bool, bool, error) { return rec.Body(ctx, id, c.timeout) }},
		}
	}
	return out
}
