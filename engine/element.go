package engine

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/sessionql/sessionql"
)

// elementScript wraps op, a function of an element and one argument, into a
// function that finds the element again from its CSS first. It answers
// {found, value}, so that an element gone meanwhile is told apart from a
// result.
func elementScript(op string) string {
	return `async function(css, pierce, arg) {` + queryJS + `
  const el = find(document, css, pierce);
  if (!el) return {found: false};
  return {found: true, value: await (` + op + `)(el, arg)};
}`
}

// callOnElement runs an elementScript on a located element and decodes its
// value into out. An exception the script throws on purpose is an invalid
// argument whose message is the exception's.
func (p *Page) callOnElement(ctx context.Context, el *element, script string, out, arg any) error {
	var res struct {
		Found bool
		Value json.RawMessage
	}
	err := p.callInFrame(ctx, el.frame, script, &res, el.css, el.pierce, arg)
	var se *scriptError
	if errors.As(err, &se) {
		return failf(sessionql.CodeInvalidArgument, "%s", strings.TrimPrefix(se.message, "Error: "))
	}
	if err != nil {
		return err
	}
	if !res.Found {
		return failf(sessionql.CodeSelectorNotFound, "The element of %q went away before the step could use it.", el.css)
	}
	if out == nil || len(res.Value) == 0 {
		return nil
	}
	return json.Unmarshal(res.Value, out)
}

// WaitForSelector waits until an element matches (and with visible, is
// shown) and returns its box.
func (p *Page) WaitForSelector(req context.Context, selector string, visible bool, timeout time.Duration) (Box, error) {
	var box Box
	err := p.onElement(req, selector, LocateOptions{Visible: visible, Wait: true}, timeout, "waiting for "+selector, func(_ context.Context, el *element) error {
		box = el.box
		return nil
	})
	return box, err
}

// Exists tells whether an element matches (and with visible, is shown) at
// this moment, without waiting.
func (p *Page) Exists(req context.Context, selector string, visible bool, timeout time.Duration) (bool, error) {
	err := p.onElement(req, selector, LocateOptions{Visible: visible}, timeout, "looking for "+selector, func(context.Context, *element) error { return nil })
	var app *sessionql.Error
	if errors.As(err, &app) && app.Code == sessionql.CodeSelectorNotFound {
		return false, nil
	}
	return err == nil, err
}
