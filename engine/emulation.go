package engine

import (
	"context"
	"errors"
	"maps"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine/internal/stealth"
)

// Settings are the overrides BrowserQL mutations put on the session's tab.
// They belong to the session, not to one browser process: they are saved
// with its state and put back when a hibernated session wakes.
type Settings struct {
	UserAgent          string            `json:"userAgent,omitempty"`
	Viewport           *Viewport         `json:"viewport,omitempty"`
	Headers            map[string]string `json:"headers,omitempty"`
	JavaScriptDisabled bool              `json:"javaScriptDisabled,omitempty"`
}

// Viewport is the size of a page's viewport.
type Viewport struct {
	Width             int     `json:"width"`
	Height            int     `json:"height"`
	DeviceScaleFactor float64 `json:"deviceScaleFactor,omitempty"`
	Mobile            bool    `json:"mobile,omitempty"`
}

// SetExtraHTTPHeaders makes the page send these headers with every request
// from now on, replacing the extra headers set before.
func (p *Page) SetExtraHTTPHeaders(req context.Context, headers []Header, timeout time.Duration) error {
	h := map[string]string{}
	for _, x := range headers {
		h[x.Name] = x.Value
	}
	return p.emulate(req, timeout, "setting extra headers", func(ctx context.Context) error {
		return p.applyHeaders(ctx, h)
	})
}

// SetUserAgent makes the page report the user agent, in headers and to
// scripts, from now on.
func (p *Page) SetUserAgent(req context.Context, userAgent string, timeout time.Duration) error {
	return p.emulate(req, timeout, "setting the user agent", func(ctx context.Context) error {
		return p.applyUserAgent(ctx, userAgent)
	})
}

// SetViewport sets the size of the page's viewport from now on.
func (p *Page) SetViewport(req context.Context, v Viewport, timeout time.Duration) error {
	if v.Width <= 0 || v.Height <= 0 || v.DeviceScaleFactor < 0 {
		return failf(sessionql.CodeInvalidArgument, "A viewport needs a positive width and height, not %d×%d.", v.Width, v.Height)
	}
	return p.emulate(req, timeout, "setting the viewport", func(ctx context.Context) error {
		return p.applyViewport(ctx, v)
	})
}

// SetJavaScriptEnabled turns the page's scripts on or off from now on; the
// engine's own scripts still run.
func (p *Page) SetJavaScriptEnabled(req context.Context, enabled bool, timeout time.Duration) error {
	return p.emulate(req, timeout, "switching JavaScript", func(ctx context.Context) error {
		return p.applyJavaScript(ctx, enabled)
	})
}

// JavaScriptEnabled tells whether the page's scripts run.
func (p *Page) JavaScriptEnabled() bool { return !p.settings().JavaScriptDisabled }

func (p *Page) emulate(req context.Context, timeout time.Duration, what string, do func(context.Context) error) error {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	return stepError(ctx, do(ctx), sessionql.CodeInvalidArgument, what, timeout)
}

func (p *Page) applyHeaders(ctx context.Context, h map[string]string) error {
	headers := network.Headers{}
	for k, v := range h {
		headers[k] = v
	}
	_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: headers})
	return p.remember(err, func(s *Settings) { s.Headers = h })
}

func (p *Page) applyUserAgent(ctx context.Context, userAgent string) error {
	return p.remember(p.setUserAgent(ctx, userAgent), func(s *Settings) { s.UserAgent = userAgent })
}

func (p *Page) applyViewport(ctx context.Context, v Viewport) error {
	return p.remember(p.setViewport(ctx, v), func(s *Settings) { s.Viewport = &v })
}

// setViewport gives the tab a viewport. On a headless stealth browser a
// viewport at scale 1, not mobile, whose window fits the screen's available
// area is made by resizing the tab's window (the viewport plus the
// browser's chrome, centred again), not by emulation, which would make the
// available area the whole screen; see SetSessionViewport.
func (p *Page) setViewport(ctx context.Context, v Viewport) error {
	d := p.desktop
	w, h := v.Width, v.Height+stealth.ChromeHeight
	if d == nil || v.DeviceScaleFactor > 1 || v.Mobile || !d.Fits(w, h) {
		return emulateViewport(ctx, v)
	}
	win, err := chromedp.CallBrowser(ctx, browser.GetWindowForTarget, browser.GetWindowForTargetParams{TargetID: p.target().TargetID})
	if err != nil {
		return err
	}
	x, y := d.Centred(w, h)
	left, top := int64(x), int64(y)
	bounds := &browser.Bounds{Left: &left, Top: &top, Width: int64(w), Height: int64(h), WindowState: browser.WindowStateNormal}
	if _, err := chromedp.CallBrowser(ctx, browser.SetWindowBounds, browser.SetWindowBoundsParams{WindowID: win.WindowID, Bounds: bounds}); err != nil {
		return err
	}
	p.mu.Lock()
	p.inner = Size{v.Width, v.Height}
	p.mu.Unlock()
	_, err = chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
	return err
}

// SetSessionViewport gives the tab the session's viewport: pages see
// exactly its width and height (a window's are smaller by the browser's
// toolbar), its device scale factor and its mobile flag. It is the
// session's own option, not an override, so it is not saved with the state.
//
// A stealth browser's window already gives pages the session's viewport
// (see withIdentity), and emulating it would give the page away: under a
// device metrics override the screen's available area is the whole screen
// (no taskbar) and the window's outer size its inner size. So a viewport
// that the window gives, at scale 1 and not mobile, clears the override
// instead.
func (p *Page) SetSessionViewport(ctx context.Context, v Viewport) error {
	ctx, cancel := p.step(ctx, openTimeout)
	defer cancel()
	p.mu.Lock()
	inner := p.inner
	p.mu.Unlock()
	if inner == (Size{v.Width, v.Height}) && v.DeviceScaleFactor <= 1 && !v.Mobile {
		_, err := chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		return err
	}
	return p.setViewport(ctx, v)
}

func emulateViewport(ctx context.Context, v Viewport) error {
	_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: int64(v.Width), Height: int64(v.Height), DeviceScaleFactor: v.DeviceScaleFactor, Mobile: v.Mobile,
	})
	return err
}

func (p *Page) applyJavaScript(ctx context.Context, enabled bool) error {
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !enabled})
	return p.remember(err, func(s *Settings) { s.JavaScriptDisabled = !enabled })
}

// remember records a setting once the browser took it.
func (p *Page) remember(err error, set func(*Settings)) error {
	if err == nil {
		p.steps.mu.Lock()
		set(&p.steps.settings)
		p.steps.mu.Unlock()
	}
	return err
}

// settings is a copy of the tab's settings.
func (p *Page) settings() Settings {
	p.steps.mu.Lock()
	defer p.steps.mu.Unlock()
	s := p.steps.settings
	s.Headers = maps.Clone(s.Headers)
	return s
}

// savedSettings is what SaveState keeps: nil when nothing was set.
func (p *Page) savedSettings() *Settings {
	s := p.settings()
	if s.UserAgent == "" && s.Viewport == nil && len(s.Headers) == 0 && !s.JavaScriptDisabled {
		return nil
	}
	return &s
}

// applySettings puts saved settings on a fresh tab.
func (p *Page) applySettings(ctx context.Context, s *Settings) error {
	if s == nil {
		return nil
	}
	var errs []error
	if s.UserAgent != "" {
		errs = append(errs, p.applyUserAgent(ctx, s.UserAgent))
	}
	if s.Viewport != nil {
		errs = append(errs, p.applyViewport(ctx, *s.Viewport))
	}
	if len(s.Headers) > 0 {
		errs = append(errs, p.applyHeaders(ctx, s.Headers))
	}
	if s.JavaScriptDisabled {
		errs = append(errs, p.applyJavaScript(ctx, false))
	}
	return errors.Join(errs...)
}
