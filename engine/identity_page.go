package engine

import (
	"context"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/engine/internal/stealth"
)

// setUserAgentOverride is Emulation.setUserAgentOverride with the engine's
// own parameters, which keep the deprecated fullVersion of the client hints.
var setUserAgentOverride = cdp.Command[*stealth.UA, cdp.Empty]{Method: "Emulation.setUserAgentOverride"}

// adoptIdentity gives the engine's own session of the tab the browser's
// identity too. Chromium keeps one navigator.platform per page, and each
// session writes its own override back when the page moves to a new
// process; without this, the engine's session would restore the real one.
func (p *Page) adoptIdentity(id stealth.Identity) error {
	p.identity = id
	if id.UA == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(p.ctx, openTimeout)
	defer cancel()
	_, err := chromedp.Call(ctx, setUserAgentOverride, id.UA)
	return err
}

// setUserAgent makes the tab report userAgent from now on, with the client
// hints, platform and Accept-Language of the browser's identity adjusted to
// it, so that a stealth tab stays consistent.
func (p *Page) setUserAgent(ctx context.Context, userAgent string) error {
	ua := &stealth.UA{UserAgent: userAgent}
	if p.identity.UA != nil {
		ua = p.identity.UA.As(userAgent)
	}
	_, err := chromedp.Call(ctx, setUserAgentOverride, ua)
	return err
}
