package engine

import (
	"context"
	"time"

	"github.com/sessionql/sessionql"
)

// ElementInfo describes an element as the DOM does.
type ElementInfo struct {
	ID                string `json:"id"`
	ClassName         string `json:"className"`
	LocalName         string `json:"localName"`
	InnerText         string `json:"innerText"`
	InnerHTML         string `json:"innerHTML"`
	OuterHTML         string `json:"outerHTML"`
	ChildElementCount int    `json:"childElementCount"`
}

// MapPlan is what mapSelector collects of each element: the fields asked
// for (id, class, innerText, innerHTML, outerHTML), attributes by name, and
// nested lists by selector.
type MapPlan struct {
	Fields     []string           `json:"fields"`
	Attributes []string           `json:"attributes"`
	Children   map[string]MapPlan `json:"children"`
}

// MapItem is one element mapSelector collected; fields not asked for are nil.
type MapItem struct {
	ID         *string              `json:"id"`
	Class      *string              `json:"class"`
	InnerText  *string              `json:"innerText"`
	InnerHTML  *string              `json:"innerHTML"`
	OuterHTML  *string              `json:"outerHTML"`
	Attributes map[string]*string   `json:"attributes"`
	Children   map[string][]MapItem `json:"children"`
}

// querySelectorScript describes the first or every match in a frame.
const querySelectorScript = `async function(css, pierce, first, visible) {` + queryJS + `
  const shown = (el) => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
  };
  let els = visible ? findAll(document, css, pierce).filter(shown) : first ? [find(document, css, pierce)].filter(Boolean) : findAll(document, css, pierce);
  if (first) els = els.slice(0, 1);
  return els.map((el) => ({
    id: el.id, className: el.getAttribute('class') ?? '', localName: el.localName,
    innerText: el.innerText ?? '', innerHTML: el.innerHTML, outerHTML: el.outerHTML,
    childElementCount: el.childElementCount,
  }));
}`

// mapSelectorScript collects a tree of elements as a MapPlan says.
const mapSelectorScript = `async function(css, pierce, plan) {` + queryJS + `
  const nested = (s) => s.trim().startsWith('<') ? [s.trim().slice(1).trim(), true] : [s, false];
  const value = {id: (el) => el.id, class: (el) => el.getAttribute('class') ?? '', innerText: (el) => el.innerText ?? '',
    innerHTML: (el) => el.innerHTML, outerHTML: (el) => el.outerHTML};
  const collect = (root, css, pierce, plan) => findAll(root, css, pierce).map((el) => {
    const item = {attributes: {}, children: {}};
    for (const f of plan.fields || []) item[f] = value[f](el);
    for (const a of plan.attributes || []) item.attributes[a] = el.getAttribute(a);
    for (const [s, p] of Object.entries(plan.children || {})) item.children[s] = collect(el, ...nested(s), p);
    return item;
  });
  return collect(document, css, pierce, plan);
}`

// QuerySelector describes the first element that matches at this moment;
// nil when none does.
func (p *Page) QuerySelector(req context.Context, selector string, timeout time.Duration) (*ElementInfo, error) {
	return p.QuerySelectorVisible(req, selector, false, timeout)
}

// QuerySelectorVisible is QuerySelector; with visible, only an element that
// is rendered and not hidden counts.
func (p *Page) QuerySelectorVisible(req context.Context, selector string, visible bool, timeout time.Duration) (*ElementInfo, error) {
	var found []ElementInfo
	err := p.eachFrame(req, selector, timeout, func(ctx context.Context, f frame, sel selectorSpec) (bool, error) {
		err := p.callInFrame(ctx, f, querySelectorScript, &found, sel.css, sel.deep, true, visible)
		return len(found) > 0, err
	})
	if err != nil || len(found) == 0 {
		return nil, err
	}
	return &found[0], nil
}

// QuerySelectorAll describes every element that matches at this moment.
// With visible, only elements that are rendered and not hidden count.
func (p *Page) QuerySelectorAll(req context.Context, selector string, visible bool, timeout time.Duration) ([]ElementInfo, error) {
	return collectAll[ElementInfo](p, req, selector, timeout, querySelectorScript, false, visible)
}

// MapSelector collects every element that matches, with what the plan asks
// of each.
// With wait, it first waits until at least one element matches.
func (p *Page) MapSelector(req context.Context, selector string, plan MapPlan, wait bool, timeout time.Duration) ([]MapItem, error) {
	start := time.Now()
	if wait {
		if _, err := p.WaitForSelector(req, selector, false, timeout); err != nil {
			return nil, err
		}
	}
	return collectAll[MapItem](p, req, selector, max(timeout-time.Since(start), time.Millisecond), mapSelectorScript, plan)
}

// collectAll runs a script in every frame the selector searches and joins
// the lists it returns.
func collectAll[T any](p *Page, req context.Context, selector string, timeout time.Duration, script string, args ...any) ([]T, error) {
	all := []T{}
	err := p.eachFrame(req, selector, timeout, func(ctx context.Context, f frame, sel selectorSpec) (bool, error) {
		var found []T
		err := p.callInFrame(ctx, f, script, &found, append([]any{sel.css, sel.deep}, args...)...)
		all = append(all, found...)
		return false, err
	})
	return all, err
}

// eachFrame calls fn for each frame a selector searches, the main frame
// first, until fn says it is done.
func (p *Page) eachFrame(req context.Context, selector string, timeout time.Duration, fn func(context.Context, frame, selectorSpec) (bool, error)) error {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	what := "querying " + selector
	sel, err := parseSelector(selector)
	if err != nil {
		return err
	}
	frames, err := p.framesFor(ctx, sel)
	if err != nil {
		return stepError(ctx, err, sessionql.CodeEvaluationFailed, what, timeout)
	}
	for _, f := range frames {
		if !sel.matchesFrame(f.url) {
			continue
		}
		done, err := fn(ctx, f, sel)
		if err != nil || done {
			return stepError(ctx, invalidSelector(selector, err), sessionql.CodeEvaluationFailed, what, timeout)
		}
	}
	return nil
}
