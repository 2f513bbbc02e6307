package engine

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/sessionql/sessionql"
)

// Box is where an element is, in CSS pixels of the viewport; X and Y are
// its centre.
type Box struct {
	X, Y, Width, Height float64
}

// LocateOptions say how to wait for an element.
type LocateOptions struct {
	Visible bool // wait until it is rendered and not hidden
	Scroll  bool // scroll it into the middle of the viewport first
	Wait    bool // wait for it to appear; otherwise it must be there now
}

// element is what a selector found: its frame, the CSS that finds it again
// there (pierce: also in open shadow roots), and its box in the tab's
// viewport.
type element struct {
	frame  frame
	css    string
	pierce bool
	box    Box
	value  json.RawMessage // what the locateThen script's op gave
}

// queryJS defines find and findAll for the engine's scripts; with pierce
// they also search open shadow roots. A selector that is JavaScript, as
// Browserless allows (one that starts with document., window. or
// globalThis., or one that is not valid CSS but runs), is evaluated: its
// value is an element, a list of elements, or nothing.
const queryJS = `
  const roots = (root) => {
    const out = [root];
    for (let i = 0; i < out.length; i++)
      for (const el of out[i].querySelectorAll('*')) if (el.shadowRoot) out.push(el.shadowRoot);
    return out;
  };
  const byJS = (src) => {
    const v = (0, eval)(src);
    if (v instanceof Node) return [v];
    if (v && typeof v !== 'string' && typeof v[Symbol.iterator] === 'function') return [...v].filter((n) => n instanceof Node);
    return [];
  };
  const select = (root, sel, all) => {
    if (/^\s*(document|window|globalThis)\s*[.[]/.test(sel)) return byJS(sel);
    try {
      return all ? [...root.querySelectorAll(sel)] : [root.querySelector(sel)].filter(Boolean);
    } catch (e) {
      if (e?.name !== 'SyntaxError') throw e;
      try { return byJS(sel); } catch { throw e; }
    }
  };
  const find = (root, sel, pierce) => {
    if (!pierce) return select(root, sel, false)[0] ?? null;
    for (const r of roots(root)) { const el = select(r, sel, false)[0]; if (el) return el; }
    return null;
  };
  const findAll = (root, sel, pierce) =>
    pierce ? roots(root).flatMap((r) => select(r, sel, true)) : select(root, sel, true);
`

// locateThen builds the script that waits in a frame for a selector,
// measures the element and returns what op(el) gives, in one call.
func locateThen(op string) string {
	return `async function(css, pierce, o) {` + queryJS + `
  const deadline = Date.now() + o.waitMs;
  const shown = (el) => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
  };
  for (;;) {
    const el = find(document, css, pierce);
    if (el && (!o.visible || shown(el))) {
      if (o.scroll) el.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
      const r = el.getBoundingClientRect();
      return {found: true, x: r.x + r.width / 2, y: r.y + r.height / 2, width: r.width, height: r.height, value: await (` + op + `)(el)};
    }
    if (!o.wait || Date.now() > deadline) return {found: false};
    await new Promise((ok) => setTimeout(ok, 20));
  }
}`
}

// locateScript only finds and measures.
var locateScript = locateThen(`() => null`)

// waitMargin leaves room for the answer to arrive before the step's deadline,
// so a missing element reads as "not found" rather than as a bare timeout.
const waitMargin = 100 * time.Millisecond

// locate finds the element of a selector, waiting as the options say. A deep
// selector searches every frame it names, polling while it waits. script is
// locateScript or another locateThen script, whose value the element keeps.
func (p *Page) locate(ctx context.Context, selector string, o LocateOptions, script string) (*element, error) {
	sel, err := parseSelector(selector)
	if err != nil {
		return nil, err
	}
	wait := time.Duration(0)
	if dl, ok := ctx.Deadline(); ok {
		wait = max(time.Until(dl)-waitMargin, 0)
	}
	var el *element
	if sel.deep || !p.JavaScriptEnabled() {
		el, err = p.locatePolling(ctx, sel, o, wait, script)
	} else {
		el, err = p.locateIn(ctx, p.mainFrame(), sel, o, wait, script)
	}
	if err != nil && o.Wait && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, notFound(selector, o, wait) // on a busy machine the answer came too late
	}
	if err != nil || el != nil {
		return el, invalidSelector(selector, err)
	}
	return nil, notFound(selector, o, wait)
}

// locateIn looks for the selector in one frame; nil when it is not there.
func (p *Page) locateIn(ctx context.Context, f frame, sel selectorSpec, o LocateOptions, wait time.Duration, script string) (*element, error) {
	var res struct {
		Found               bool
		X, Y, Width, Height float64
		Value               json.RawMessage
	}
	args := map[string]any{"visible": o.Visible, "scroll": o.Scroll, "wait": o.Wait, "waitMs": wait.Milliseconds()}
	if err := p.callInFrame(ctx, f, script, &res, sel.css, sel.deep, args); err != nil || !res.Found {
		return nil, err
	}
	return &element{frame: f, css: sel.css, pierce: sel.deep, box: Box{X: res.X, Y: res.Y, Width: res.Width, Height: res.Height}, value: res.Value}, nil
}

// locatePolling searches the frames a selector names, main frame first,
// polling from here while it waits: a deep selector spans frames, and with
// the page's JavaScript off, timers in the page do not fire.
func (p *Page) locatePolling(ctx context.Context, sel selectorSpec, o LocateOptions, wait time.Duration, script string) (*element, error) {
	deadline := time.Now().Add(wait)
	once := o
	once.Wait = false
	for {
		frames, err := p.framesFor(ctx, sel)
		if err != nil {
			return nil, err
		}
		for _, f := range frames {
			if !sel.matchesFrame(f.url) {
				continue
			}
			el, err := p.locateIn(ctx, f, sel, once, 0, script)
			if err != nil || el != nil {
				return p.inViewport(ctx, el, frames, err)
			}
		}
		if !o.Wait || time.Now().After(deadline) {
			return nil, nil
		}
		if err := sleep(ctx, pollInterval); err != nil {
			return nil, err
		}
	}
}

// inViewport shifts an element's box by its frame's origin.
func (p *Page) inViewport(ctx context.Context, el *element, frames []frame, err error) (*element, error) {
	if err != nil {
		return nil, err
	}
	x, y, err := p.frameOrigin(ctx, el.frame, frames)
	if err != nil {
		return nil, err
	}
	el.box.X, el.box.Y = el.box.X+x, el.box.Y+y
	return el, nil
}

// invalidSelector reports a selector the browser rejected as an invalid
// argument, and passes other errors on.
func invalidSelector(selector string, err error) error {
	var se *scriptError
	if errors.As(err, &se) {
		return failf(sessionql.CodeInvalidArgument, "The selector %q is not valid: %s.", selector, se.message)
	}
	return err
}

func notFound(selector string, o LocateOptions, waited time.Duration) error {
	state := "present"
	if o.Visible {
		state = "visible"
	}
	if !o.Wait {
		return failf(sessionql.CodeSelectorNotFound, "No element matches %q.", selector)
	}
	return failf(sessionql.CodeSelectorNotFound, "No %s element matched %q within %dms.", state, selector, waited.Milliseconds())
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
