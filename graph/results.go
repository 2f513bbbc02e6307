package graph

import (
	"context"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/graph/model"
)

// call is one field's run on the request's page: its timeout and when it
// started, for the result's time.
type call struct {
	page    *engine.Page
	timeout time.Duration
	start   time.Time
}

// newCall reads a field's timeout argument and starts its clock.
func newCall(ctx context.Context, timeout *float64) (call, error) {
	t, err := stepTimeout(ctx, timeout)
	if err != nil {
		return call{}, err
	}
	return call{page: request(ctx).Page, timeout: t, start: time.Now()}, nil
}

// time is the milliseconds since the field started.
func (c call) time() float64 { return since(c.start) }

func httpResponse(res *engine.Response, start time.Time) *model.HTTPResponse {
	if res == nil {
		return nil
	}
	out := &model.HTTPResponse{URL: &res.URL, Time: since(start)}
	if res.Status != 0 {
		out.Status = &res.Status
		out.Text = &res.StatusText
	}
	return out
}

func pointer(selector *string, x, y float64, c call) *model.PointerResponse {
	return &model.PointerResponse{Selector: selector, X: x, Y: y, Time: c.time()}
}

// value is the string a nullable argument holds, or "".
func value[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// delayRange reads type's delay: [min, max] or one fixed pause, in ms.
func delayRange(ms []int) (engine.Delay, error) {
	switch {
	case len(ms) == 0:
		return engine.Delay{Min: 50 * time.Millisecond, Max: 200 * time.Millisecond}, nil
	case len(ms) > 2 || ms[0] < 0 || ms[len(ms)-1] < ms[0] || ms[len(ms)-1] > 10000:
		return engine.Delay{}, sessionql.Errorf(sessionql.CodeInvalidArgument, "delay is [min, max] in ms with 0 ≤ min ≤ max ≤ 10000, not %v.", ms)
	}
	return engine.Delay{Min: time.Duration(ms[0]) * time.Millisecond, Max: time.Duration(ms[len(ms)-1]) * time.Millisecond}, nil
}

func elementInfo(e engine.ElementInfo, c call) model.QuerySelectorResponse {
	return model.QuerySelectorResponse{ID: e.ID, ClassName: e.ClassName, LocalName: e.LocalName, InnerText: e.InnerText,
		InnerHTML: e.InnerHTML, OuterHTML: e.OuterHTML, ChildElementCount: e.ChildElementCount, Time: c.time()}
}

func mapItems(items []engine.MapItem) []model.MapSelectorResponse {
	out := make([]model.MapSelectorResponse, len(items))
	for i, it := range items {
		out[i] = model.MapSelectorResponse{ID: it.ID, Class: it.Class, InnerText: it.InnerText, InnerHTML: it.InnerHTML,
			OuterHTML: it.OuterHTML, Attributes: it.Attributes, Children: map[string][]model.MapSelectorResponse{}}
		for sel, list := range it.Children {
			out[i].Children[sel] = mapItems(list)
		}
	}
	return out
}
