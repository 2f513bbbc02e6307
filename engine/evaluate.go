package engine

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// Evaluate runs JavaScript in the page's main world. An expression gives its
// value; anything else runs as the body of an async function, so `return`
// and `await` work. A string comes back as it is, any other value as JSON,
// and undefined or null as nil.
func (p *Page) Evaluate(req context.Context, content string, timeout time.Duration) (*string, error) {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	expr := strings.TrimRight(strings.TrimSpace(content), "; \t\r\n")
	res, err := p.evaluate(ctx, "(async () => (\n"+expr+"\n))()")
	if err == nil && isCompileError(res.ExceptionDetails) {
		res, err = p.evaluate(ctx, "(async () => {\n"+content+"\n})()")
	}
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeEvaluationFailed, "evaluating the script", timeout)
	}
	if res.ExceptionDetails != nil {
		return nil, failf(sessionql.CodeEvaluationFailed, "The script threw: %s", exceptionMessage(res.ExceptionDetails))
	}
	return resultValue(res.Result), nil
}

func (p *Page) evaluate(ctx context.Context, expr string) (runtime.EvaluateResult, error) {
	return chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{
		Expression:    expr,
		ReturnByValue: new(true),
		AwaitPromise:  new(true),
		UserGesture:   new(true),
	})
}

// isCompileError tells a script that does not parse as an expression from
// one that ran and threw: only the former is reported as plain "Uncaught".
func isCompileError(d *runtime.ExceptionDetails) bool {
	return d != nil && d.Text == "Uncaught" && d.Exception != nil && d.Exception.ClassName == "SyntaxError"
}

func exceptionMessage(d *runtime.ExceptionDetails) string {
	if d.Exception != nil && d.Exception.Description != "" {
		return strings.SplitN(d.Exception.Description, "\n", 2)[0]
	}
	if d.Exception != nil && len(d.Exception.Value) > 0 {
		return string(d.Exception.Value)
	}
	return strings.TrimPrefix(d.Text, "Uncaught (in promise) ")
}

func resultValue(r *runtime.RemoteObject) *string {
	if r == nil || r.Type == runtime.RemoteObjectTypeUndefined || r.Subtype == runtime.RemoteObjectSubtypeNull {
		return nil
	}
	if r.UnserializableValue != "" {
		s := string(r.UnserializableValue)
		return &s
	}
	if r.Type == runtime.RemoteObjectTypeString {
		var s string
		if json.Unmarshal(r.Value, &s) == nil {
			return &s
		}
	}
	if len(r.Value) == 0 {
		return nil
	}
	s := string(r.Value)
	return &s
}
