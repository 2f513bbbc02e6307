package engine

import (
	"context"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// Hover scrolls the element into view and moves the mouse over its centre.
func (p *Page) Hover(req context.Context, selector string, o LocateOptions, timeout time.Duration) (Box, error) {
	var box Box
	err := p.onElement(req, selector, o, timeout, "hovering over "+selector, func(ctx context.Context, el *element) error {
		box = el.box
		return p.mouseMove(ctx, box.X, box.Y)
	})
	return box, err
}

// HoverPoint moves the mouse to a point of the viewport.
func (p *Page) HoverPoint(req context.Context, x, y float64, timeout time.Duration) error {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	return stepError(ctx, p.mouseMove(ctx, x, y), sessionql.CodeInvalidArgument, "moving the mouse", timeout)
}

func (p *Page) mouseMove(ctx context.Context, x, y float64) error {
	_, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: x, Y: y})
	return err
}

// ScrollIntoView scrolls the element into the middle of the viewport and
// returns its box; o.Scroll is implied.
func (p *Page) ScrollIntoView(req context.Context, selector string, o LocateOptions, timeout time.Duration) (Box, error) {
	var box Box
	o.Scroll = true
	err := p.onElement(req, selector, o, timeout, "scrolling to "+selector, func(_ context.Context, el *element) error {
		box = el.box
		return nil
	})
	return box, err
}

// scrollToScript scrolls the window; a missing coordinate keeps its value.
const scrollToScript = `function(x, y) {
  window.scrollTo({left: x ?? window.scrollX, top: y ?? window.scrollY, behavior: 'instant'});
  return [window.scrollX, window.scrollY];
}`

// ScrollTo scrolls the page to document coordinates (nil keeps one as it
// is) and returns where the scroll ended.
func (p *Page) ScrollTo(req context.Context, x, y *float64, timeout time.Duration) (float64, float64, error) {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	var at [2]float64
	err := p.callInWorld(ctx, scrollToScript, &at, x, y)
	return at[0], at[1], stepError(ctx, err, sessionql.CodeEvaluationFailed, "scrolling the page", timeout)
}
