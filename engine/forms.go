package engine

import (
	"context"
	"time"

	"github.com/sessionql/sessionql"
)

// checkedScript reads a checkbox's or radio button's state; null for
// anything else.
var checkedScript = elementScript(`(el) => (el.type === 'checkbox' || el.type === 'radio') ? el.checked : null`)

// selectScript selects options by value, or failing that by text, and fires
// input and change as a user's choice does.
var selectScript = elementScript(`(el, values) => {
  if (el.localName !== 'select') throw new Error('The element is not a select element.');
  if (!el.multiple && values.length > 1) throw new Error('The select element takes one value, not ' + values.length + '.');
  const opts = [...el.options];
  const picked = values.map((v) => opts.find((o) => o.value === v) || opts.find((o) => o.text.trim() === v));
  const missing = values.find((v, i) => !picked[i]);
  if (missing !== undefined) throw new Error('No option of the select element has the value ' + JSON.stringify(missing) + '.');
  for (const o of opts) o.selected = picked.includes(o);
  el.dispatchEvent(new Event('input', {bubbles: true}));
  el.dispatchEvent(new Event('change', {bubbles: true}));
  return opts.filter((o) => o.selected).map((o) => o.value);
}`)

// Checkbox clicks a checkbox or radio button when it is not in the wanted
// state, and checks that the click changed it. It returns the element's box.
func (p *Page) Checkbox(req context.Context, selector string, checked bool, timeout time.Duration) (Box, error) {
	return p.CheckboxWith(req, selector, checked, LocateOptions{Scroll: true, Wait: true}, timeout)
}

// CheckboxWith is Checkbox with the element waited for as o says.
func (p *Page) CheckboxWith(req context.Context, selector string, checked bool, o LocateOptions, timeout time.Duration) (Box, error) {
	var box Box
	err := p.onElement(req, selector, o, timeout, "checking "+selector, func(ctx context.Context, el *element) error {
		box = el.box
		state, err := p.checked(ctx, el)
		if err != nil || state == checked {
			return err
		}
		if err := p.mouseClick(ctx, box.X, box.Y); err != nil {
			return err
		}
		if state, err = p.checked(ctx, el); err == nil && state != checked {
			return failf(sessionql.CodeEvaluationFailed, "Clicking %q did not change its state; another element may cover it.", selector)
		}
		return err
	})
	return box, err
}

func (p *Page) checked(ctx context.Context, el *element) (bool, error) {
	var state *bool
	if err := p.callOnElement(ctx, el, checkedScript, &state, nil); err != nil {
		return false, err
	}
	if state == nil {
		return false, failf(sessionql.CodeInvalidArgument, "The element of %q is not a checkbox or radio button.", el.css)
	}
	return *state, nil
}

// Select selects the options of a select element with these values and
// returns the values now selected and the element's box.
func (p *Page) Select(req context.Context, selector string, values []string, o LocateOptions, timeout time.Duration) ([]string, Box, error) {
	var box Box
	var selected []string
	err := p.onElement(req, selector, o, timeout, "selecting in "+selector, func(ctx context.Context, el *element) error {
		box = el.box
		return p.callOnElement(ctx, el, selectScript, &selected, values)
	})
	return selected, box, err
}
