package engine

import (
	"context"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// Click waits for the element, scrolls it into view and clicks its centre
// with real mouse events. It returns the point clicked.
func (p *Page) Click(req context.Context, selector string, o LocateOptions, timeout time.Duration) (Box, error) {
	var box Box
	err := p.onElement(req, selector, o, timeout, "clicking "+selector, func(ctx context.Context, el *element) error {
		box = el.box
		return p.mouseClick(ctx, box.X, box.Y)
	})
	return box, err
}

// onElement runs one step on the element of a selector: it waits for the
// element as o says, then calls do, translating errors at the end.
func (p *Page) onElement(req context.Context, selector string, o LocateOptions, timeout time.Duration, what string, do func(context.Context, *element) error) error {
	return p.onElementWith(req, selector, o, locateScript, timeout, what, do)
}

// onElementWith is onElement with a locateThen script, whose value do finds
// in the element.
func (p *Page) onElementWith(req context.Context, selector string, o LocateOptions, script string, timeout time.Duration, what string, do func(context.Context, *element) error) error {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	el, err := p.locate(ctx, selector, o, script)
	if err == nil {
		err = do(ctx, el)
	}
	return stepError(ctx, err, sessionql.CodeSelectorNotFound, what, timeout)
}

// mouseClick moves to the point, presses and releases the left button.
func (p *Page) mouseClick(ctx context.Context, x, y float64) error {
	for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved, input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
		params := input.DispatchMouseEventParams{Type: typ, X: x, Y: y}
		if typ != input.DispatchMouseEventTypeMouseMoved {
			params.Button = input.MouseButtonLeft
			params.ClickCount = 1
		}
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, params); err != nil {
			return err
		}
	}
	return nil
}
