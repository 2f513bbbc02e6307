package engine

import (
	"context"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// ScreenshotOptions say what a screenshot captures and how it encodes it.
// At most one of Selector, Clip and FullPage applies, in that order;
// otherwise the viewport is captured.
type ScreenshotOptions struct {
	Format         string // png, jpeg or webp
	Quality        *int   // 0 to 100, for jpeg and webp
	FullPage       bool
	Selector       string
	Clip           *Clip // in CSS pixels of the document
	OmitBackground bool  // a transparent default background (png, webp)

	CaptureBeyondViewport *bool // nil: true when a region is captured
	FromSurface           *bool // nil: Chromium's default (true)
	OptimizeForSpeed      bool  // encode fast rather than small
	WaitForImages         bool  // wait first until the page's images loaded or failed
}

// Clip is a region of the document.
type Clip struct{ X, Y, Width, Height, Scale float64 }

// pageOffsetScript is the document position of the viewport's corner.
const pageOffsetScript = `function() { return [visualViewport.pageLeft, visualViewport.pageTop]; }`

// Screenshot captures the page as the options say and returns the encoded
// image.
func (p *Page) Screenshot(req context.Context, o ScreenshotOptions, timeout time.Duration) ([]byte, error) {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	if o.WaitForImages {
		if err := p.waitForImages(ctx); err != nil {
			return nil, stepError(ctx, err, sessionql.CodeEvaluationFailed, "waiting for the page's images", timeout)
		}
	}
	params := page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormat(o.Format), FromSurface: o.FromSurface}
	if o.OptimizeForSpeed {
		params.OptimizeForSpeed = new(true)
	}
	if o.Quality != nil && o.Format != "png" {
		params.Quality = new(int64(*o.Quality))
	}
	clip, err := p.screenshotClip(ctx, o)
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeSelectorNotFound, "finding what to capture", timeout)
	}
	if clip != nil {
		if err := checkArea(clip); err != nil {
			return nil, err
		}
		params.Clip, params.CaptureBeyondViewport = clip, new(true)
	}
	if o.CaptureBeyondViewport != nil {
		params.CaptureBeyondViewport = o.CaptureBeyondViewport
	}
	if o.OmitBackground {
		restore, err := p.transparentBackground(ctx)
		if err != nil {
			return nil, stepError(ctx, err, sessionql.CodeEvaluationFailed, "clearing the background", timeout)
		}
		defer restore()
	}
	res, err := chromedp.Call(ctx, page.CaptureScreenshot, params)
	if err == nil && len(res.Data) == 0 {
		return nil, failf(sessionql.CodeEvaluationFailed, "The browser returned an empty image; the region may be too large for it to paint, so capture a smaller clip or an element.")
	}
	return res.Data, stepError(ctx, err, sessionql.CodeEvaluationFailed, "taking a screenshot", timeout)
}

// maxScreenshotPixels bounds the area one screenshot may capture: a full
// page of 200 000 px would make Chromium paint gigabytes and answer an
// empty image.
const maxScreenshotPixels = 50_000_000

// checkArea refuses a capture larger than maxScreenshotPixels.
func checkArea(clip *page.Viewport) error {
	scale := max(clip.Scale, 1)
	area := clip.Width * clip.Height * scale * scale
	if area <= maxScreenshotPixels {
		return nil
	}
	return failf(sessionql.CodeAnswerTooLarge, "The screenshot would be %.0f×%.0f CSS pixels (%.0f in all), over the limit of %d; capture a clip or an element instead of the full page.", clip.Width*scale, clip.Height*scale, area, maxScreenshotPixels)
}

// screenshotClip is the region to capture, in CSS pixels of the document;
// nil for the viewport.
func (p *Page) screenshotClip(ctx context.Context, o ScreenshotOptions) (*page.Viewport, error) {
	switch {
	case o.Selector != "":
		return p.elementClip(ctx, o.Selector)
	case o.Clip != nil:
		c := o.Clip
		return &page.Viewport{X: c.X, Y: c.Y, Width: c.Width, Height: c.Height, Scale: c.Scale}, nil
	case o.FullPage:
		m, err := chromedp.Call(ctx, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		return &page.Viewport{Width: m.CSSContentSize.Width, Height: m.CSSContentSize.Height, Scale: 1}, nil
	}
	return nil, nil
}

// elementClip scrolls the element into view and returns its box in the
// document.
func (p *Page) elementClip(ctx context.Context, selector string) (*page.Viewport, error) {
	el, err := p.locate(ctx, selector, LocateOptions{Scroll: true, Wait: true, Visible: true}, locateScript)
	if err != nil {
		return nil, err
	}
	var off [2]float64
	if err := p.callInWorld(ctx, pageOffsetScript, &off); err != nil {
		return nil, err
	}
	b := el.box
	return &page.Viewport{X: b.X - b.Width/2 + off[0], Y: b.Y - b.Height/2 + off[1], Width: b.Width, Height: b.Height, Scale: 1}, nil
}

// transparentBackground makes the default background transparent until
// the returned func restores it.
func (p *Page) transparentBackground(ctx context.Context) (func(), error) {
	// cdp.RGBA leaves out a zero alpha, which Chromium reads as opaque.
	clear := map[string]any{"color": map[string]int{"r": 0, "g": 0, "b": 0, "a": 0}}
	err := p.target().Call(ctx, emulation.CommandSetDefaultBackgroundColorOverride, clear, nil)
	return func() {
		chromedp.Call(ctx, emulation.SetDefaultBackgroundColorOverride, emulation.SetDefaultBackgroundColorOverrideParams{})
	}, err
}
