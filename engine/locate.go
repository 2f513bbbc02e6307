package engine

import (
	"context"
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

// locateScript waits in the page for a CSS selector and measures the element.
const locateScript = `async function(selector, o) {
  const deadline = Date.now() + o.waitMs;
  const shown = (el) => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
  };
  for (;;) {
    const el = document.querySelector(selector);
    if (el && (!o.visible || shown(el))) {
      if (o.scroll) el.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
      const r = el.getBoundingClientRect();
      return {found: true, x: r.x + r.width / 2, y: r.y + r.height / 2, width: r.width, height: r.height};
    }
    if (!o.wait || Date.now() > deadline) return {found: false};
    await new Promise((ok) => setTimeout(ok, 20));
  }
}`

// waitMargin leaves room for the answer to arrive before the step's deadline,
// so a missing element reads as "not found" rather than as a bare timeout.
const waitMargin = 100 * time.Millisecond

// locate finds the element of a selector, waiting as the options say.
func (p *Page) locate(ctx context.Context, selector string, o LocateOptions) (Box, error) {
	var res struct {
		Found               bool
		X, Y, Width, Height float64
	}
	wait := time.Duration(0)
	if dl, ok := ctx.Deadline(); ok {
		wait = max(time.Until(dl)-waitMargin, 0)
	}
	args := map[string]any{"visible": o.Visible, "scroll": o.Scroll, "wait": o.Wait, "waitMs": wait.Milliseconds()}
	err := p.callInWorld(ctx, locateScript, &res, selector, args)
	var se *scriptError
	if errors.As(err, &se) {
		return Box{}, failf(sessionql.CodeInvalidArgument, "The selector %q is not valid: %s.", selector, se.message)
	}
	if err != nil {
		return Box{}, err
	}
	if !res.Found {
		return Box{}, notFound(selector, o, wait)
	}
	return Box{X: res.X, Y: res.Y, Width: res.Width, Height: res.Height}, nil
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
