package engine

import (
	"context"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// SetExtraHTTPHeaders makes the page send these headers with every request
// from now on, replacing the extra headers set before.
func (p *Page) SetExtraHTTPHeaders(req context.Context, headers []Header, timeout time.Duration) error {
	h := network.Headers{}
	for _, x := range headers {
		h[x.Name] = x.Value
	}
	return p.emulate(req, timeout, "setting extra headers", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h})
		return err
	})
}

// SetUserAgent makes the page report the user agent, in headers and to
// scripts, from now on.
func (p *Page) SetUserAgent(req context.Context, userAgent string, timeout time.Duration) error {
	return p.emulate(req, timeout, "setting the user agent", func(ctx context.Context) error {
		return p.setUserAgent(ctx, userAgent)
	})
}

// Viewport is the size of a page's viewport.
type Viewport struct {
	Width, Height     int
	DeviceScaleFactor float64
	Mobile            bool
}

// SetViewport sets the size of the page's viewport from now on.
func (p *Page) SetViewport(req context.Context, v Viewport, timeout time.Duration) error {
	if v.Width <= 0 || v.Height <= 0 || v.DeviceScaleFactor < 0 {
		return failf(sessionql.CodeInvalidArgument, "A viewport needs a positive width and height, not %d×%d.", v.Width, v.Height)
	}
	return p.emulate(req, timeout, "setting the viewport", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(v.Width), Height: int64(v.Height), DeviceScaleFactor: v.DeviceScaleFactor, Mobile: v.Mobile,
		})
		return err
	})
}

// SetJavaScriptEnabled turns the page's scripts on or off from now on; the
// engine's own scripts still run.
func (p *Page) SetJavaScriptEnabled(req context.Context, enabled bool, timeout time.Duration) error {
	return p.emulate(req, timeout, "switching JavaScript", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !enabled})
		if err == nil {
			p.steps.mu.Lock()
			p.steps.jsDisabled = !enabled
			p.steps.mu.Unlock()
		}
		return err
	})
}

// JavaScriptEnabled tells whether the page's scripts run.
func (p *Page) JavaScriptEnabled() bool {
	p.steps.mu.Lock()
	defer p.steps.mu.Unlock()
	return !p.steps.jsDisabled
}

func (p *Page) emulate(req context.Context, timeout time.Duration, what string, do func(context.Context) error) error {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	return stepError(ctx, do(ctx), sessionql.CodeInvalidArgument, what, timeout)
}
