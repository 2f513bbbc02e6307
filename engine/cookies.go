package engine

import (
	"context"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// Cookie is a cookie of the browser's jar.
type Cookie struct {
	Name, Value, Domain, Path string
	Expires                   float64 // seconds since the Unix epoch; -1 for a session cookie
	Size                      int
	HTTPOnly, Secure, Session bool
	SameSite                  string // Strict, Lax, None or empty
}

// CookieInput is a cookie to set. Without URL and Domain it is set for the
// page's URL.
type CookieInput struct {
	Name, Value, URL, Domain, Path string
	Secure, HTTPOnly               bool
	SameSite                       string
	Expires                        *float64
}

// Cookies sets the given cookies, if any, and returns the cookies the page
// and its frames send.
func (p *Page) Cookies(req context.Context, set []CookieInput, timeout time.Duration) ([]Cookie, error) {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	if err := p.setCookies(ctx, set); err != nil {
		return nil, stepError(ctx, err, sessionql.CodeInvalidArgument, "setting cookies", timeout)
	}
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		return nil, stepError(ctx, err, sessionql.CodeEvaluationFailed, "reading cookies", timeout)
	}
	out := make([]Cookie, len(res.Cookies))
	for i, c := range res.Cookies {
		out[i] = Cookie{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path, Expires: c.Expires, Size: int(c.Size),
			HTTPOnly: c.HTTPOnly, Secure: c.Secure, Session: c.Session, SameSite: string(c.SameSite)}
	}
	return out, nil
}

func (p *Page) setCookies(ctx context.Context, set []CookieInput) error {
	if len(set) == 0 {
		return nil
	}
	var pageURL string
	if err := p.callInWorld(ctx, urlScript, &pageURL); err != nil {
		return err
	}
	params := make([]*network.CookieParam, len(set))
	for i, c := range set {
		params[i] = &network.CookieParam{Name: c.Name, Value: c.Value, URL: c.URL, Domain: c.Domain, Path: c.Path,
			Secure: c.Secure, HTTPOnly: c.HTTPOnly, SameSite: network.CookieSameSite(c.SameSite)}
		if c.URL == "" && c.Domain == "" {
			params[i].URL = pageURL
		}
		if c.Expires != nil {
			params[i].Expires = cdp.TimeSinceEpoch(*c.Expires)
		}
	}
	_, err := chromedp.Call(ctx, network.SetCookies, network.SetCookiesParams{Cookies: params})
	return err
}
