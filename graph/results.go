package graph

import (
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/graph/model"
)

func httpResponse(res *engine.Response, start time.Time) *model.HTTPResponse {
	out := &model.HTTPResponse{URL: &res.URL, Time: since(start)}
	if res.Status != 0 {
		out.Status = &res.Status
		out.Text = &res.StatusText
	}
	return out
}

// scriptSource is the script of an evaluate field: exactly one of content
// and url.
func scriptSource(content, url *string) (string, error) {
	switch {
	case content != nil && url == nil:
		return *content, nil
	case url != nil && content == nil:
		return "", sessionql.Errorf(sessionql.CodeInvalidArgument, "evaluate(url:) is not available yet; pass the script as content.")
	}
	return "", sessionql.Errorf(sessionql.CodeInvalidArgument, "evaluate needs exactly one of content or url.")
}
