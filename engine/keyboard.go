package engine

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Delay is the range of the pause before each key a Type sends.
type Delay struct{ Min, Max time.Duration }

// Type clicks the element to focus it, then types the text with real key
// events, pausing a random time from the delay range between keys. It
// returns the point clicked.
// With interactable, the element must be what the mouse reaches at its
// centre, or the step fails rather than type into whatever covers it.
func (p *Page) Type(req context.Context, selector, text string, delay Delay, o LocateOptions, interactable bool, timeout time.Duration) (Box, error) {
	var box Box
	err := p.onElement(req, selector, o, timeout, "typing into "+selector, func(ctx context.Context, el *element) error {
		box = el.box
		if interactable {
			if err := p.checkInteractable(ctx, el, selector); err != nil {
				return err
			}
		}
		if err := p.mouseClick(ctx, box.X, box.Y); err != nil {
			return err
		}
		return p.typeText(ctx, text, delay)
	})
	return box, err
}

// typeText sends each character as the key events a keyboard makes:
// keyDown, char and keyUp, with the modifiers it needs.
func (p *Page) typeText(ctx context.Context, text string, delay Delay) error {
	for i, r := range text {
		if i > 0 {
			if err := sleep(ctx, delay.pick()); err != nil {
				return err
			}
		}
		for _, k := range kb.Encode(r) {
			if k.Type == input.DispatchKeyEventTypeChar && k.Modifiers&^int64(kb.ModifierShift) != 0 {
				continue
			}
			if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, *k); err != nil {
				return err
			}
		}
	}
	return nil
}

// pick draws a pause from the range.
func (d Delay) pick() time.Duration {
	if d.Max <= d.Min {
		return d.Min
	}
	return d.Min + rand.N(d.Max-d.Min+1)
}
