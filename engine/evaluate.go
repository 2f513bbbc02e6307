package engine

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// World is where Evaluate runs a script.
type World int

const (
	// MainWorld is the page's own JavaScript world.
	MainWorld World = iota
	// IsolatedWorld is a world of the user's scripts: the page's DOM, but
	// none of its globals, and unseen by its scripts. It is not the world
	// of the engine's own scripts, so a user's globals cannot break them.
	IsolatedWorld
)

// userWorld names the isolated world of users' scripts in the main frame;
// Page.createIsolatedWorld gives the same context for the same name until
// the document changes.
const userWorld = "sessionql-user"

// Evaluate runs JavaScript in the page's main world. An expression gives its
// value; anything else runs as the body of an async function, so `return`
// and `await` work. A string comes back as it is, any other value as JSON,
// and undefined or null as nil.
func (p *Page) Evaluate(req context.Context, content string, timeout time.Duration) (*string, error) {
	return p.EvaluateIn(req, content, timeout, MainWorld)
}

// EvaluateIn is Evaluate in the given world of the main frame.
func (p *Page) EvaluateIn(req context.Context, content string, timeout time.Duration, world World) (*string, error) {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	var contextID int64
	if world == IsolatedWorld {
		res, err := chromedp.Call(ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: p.frameID(), WorldName: userWorld})
		if err != nil {
			return nil, stepError(ctx, err, sessionql.CodeEvaluationFailed, "making the isolated world", timeout)
		}
		contextID = int64(res.ExecutionContextID)
	}
	var res evaluated
	var exc *runtime.ExceptionDetails
	var err error
	asBody := startsWithStatement(content)
	if !asBody {
		expr := strings.TrimRight(strings.TrimSpace(content), "; \t\r\n")
		res, exc, err = p.evaluateIn(ctx, "(async () => (\n"+expr+"\n))()", contextID)
		asBody = err == nil && isCompileError(exc)
	}
	if asBody {
		res, exc, err = p.evaluateIn(ctx, "(async () => {\n"+content+"\n})()", contextID)
	}
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeEvaluationFailed, "evaluating the script", timeout)
	}
	if exc != nil {
		return nil, failf(sessionql.CodeEvaluationFailed, "The script threw: %s", exceptionMessage(exc))
	}
	return resultValue(res), nil
}

// evaluated is Runtime.evaluate's answer with the value left raw; an
// exception is decoded only when there is one.
type evaluated struct {
	Result struct {
		Type                string          `json:"type"`
		Subtype             string          `json:"subtype"`
		Value               json.RawMessage `json:"value"`
		UnserializableValue string          `json:"unserializableValue"`
	} `json:"result"`
	Exception json.RawMessage `json:"exceptionDetails"`
}

func (p *Page) evaluate(ctx context.Context, expr string) (res evaluated, exc *runtime.ExceptionDetails, err error) {
	return p.evaluateIn(ctx, expr, 0)
}

// evaluateIn evaluates in an execution context, 0 for the main world.
func (p *Page) evaluateIn(ctx context.Context, expr string, contextID int64) (res evaluated, exc *runtime.ExceptionDetails, err error) {
	params := struct {
		Expression    string `json:"expression"`
		ReturnByValue bool   `json:"returnByValue"`
		AwaitPromise  bool   `json:"awaitPromise"`
		UserGesture   bool   `json:"userGesture"`
		ContextID     int64  `json:"contextId,omitempty"`
	}{expr, true, true, true, contextID}
	if err := p.direct(p.target()).callJSON(ctx, runtime.CommandEvaluate, params, &res); err != nil || res.Exception == nil {
		return res, nil, err
	}
	exc = new(runtime.ExceptionDetails)
	return res, exc, jsonv2.Unmarshal(res.Exception, exc, chromedp.DefaultUnmarshalOptions)
}

// statementKeywords are the reserved words that begin a statement and can
// never begin an expression.
var statementKeywords = map[string]bool{
	"return": true, "var": true, "const": true, "if": true, "for": true, "while": true, "do": true,
	"throw": true, "try": true, "switch": true, "break": true, "continue": true, "debugger": true,
}

// startsWithStatement reports whether a script's first word is one of
// statementKeywords, such as the `return` that Browserless's examples
// begin with: such a script cannot parse as an expression, so it runs as
// a function body at once, without the round trip of the expression's
// compile error.
func startsWithStatement(content string) bool {
	s := strings.TrimLeft(content, " \t\r\n")
	end := strings.IndexFunc(s, func(r rune) bool { return !isIdentRune(r) })
	if end < 0 {
		end = len(s)
	}
	return statementKeywords[s[:end]]
}

// isIdentRune reports whether r may be part of a JavaScript identifier
// (\ too: a Unicode escape continues one).
func isIdentRune(r rune) bool {
	return r == '_' || r == '$' || r == '\\' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r) || r == '\u200c' || r == '\u200d'
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

func resultValue(r evaluated) *string {
	v := r.Result
	if v.Type == "undefined" || v.Subtype == "null" {
		return nil
	}
	if v.UnserializableValue != "" {
		return &v.UnserializableValue
	}
	if v.Type == "string" {
		var s string
		if json.Unmarshal(v.Value, &s) == nil {
			return &s
		}
	}
	if len(v.Value) == 0 {
		return nil
	}
	s := string(v.Value)
	return &s
}
