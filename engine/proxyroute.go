package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// maxProxiedBody bounds one response a proxy route fetches; a larger one
// fails in the page.
const maxProxiedBody = 32 << 20

// proxiedTimeout bounds one request a proxy route sends.
const proxiedTimeout = 2 * time.Minute

// proxyRoute sends the requests it matches through an upstream proxy: the
// server fetches them there and answers the page with the response.
type proxyRoute struct {
	match  matcher
	client *http.Client
}

// Proxy sends the tab's requests that match f through the proxy at server
// (http://, https:// or socks5://, with user:password@ when it asks for
// them) until Unblock; a later route wins where both match. An empty filter
// matches every request.
func (p *Page) Proxy(req context.Context, server string, f Filter, timeout time.Duration) error {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5") {
		return failf(sessionql.CodeInvalidArgument, "The proxy server must be an http://, https:// or socks5:// URL with a host, as in http://user:password@proxy.example:8080.")
	}
	if f.Empty() {
		f.URLs = []string{"*"}
	}
	client := &http.Client{
		Transport:     &http.Transport{Proxy: http.ProxyURL(u), ForceAttemptHTTP2: true, TLSHandshakeTimeout: 30 * time.Second},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       proxiedTimeout,
	}
	r := proxyRoute{match: f.compile(), client: client}
	return p.intercept(req, timeout, "turning on the proxy", func(b *blocker) {
		b.routes = append([]proxyRoute{r}, b.routes...)
	})
}

// route is the proxy route of a paused request, or nil.
func (b *blocker) route(ev fetch.EventRequestPaused) *proxyRoute {
	for i := range b.routes {
		if b.routes[i].match.match(ev.Request.URL, string(ev.ResourceType), ev.Request.Method, 0) {
			return &b.routes[i]
		}
	}
	return nil
}

// forward fetches a paused request through the route's proxy and answers
// the page with the response, or fails the request.
func (r *proxyRoute) forward(ctx context.Context, ev fetch.EventRequestPaused) {
	resp, body, err := r.fetch(ctx, ev)
	if err != nil {
		chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionFailed})
		return
	}
	var headers []*fetch.HeaderEntry
	for name, values := range resp.Header {
		if name == "Content-Encoding" || name == "Content-Length" || name == "Transfer-Encoding" {
			continue // the body is already decoded
		}
		for _, v := range values {
			headers = append(headers, &fetch.HeaderEntry{Name: name, Value: v})
		}
	}
	chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: int64(resp.StatusCode), ResponseHeaders: headers, Body: body})
}

// fetch sends the request through the proxy, with the cookies the browser
// would send.
func (r *proxyRoute) fetch(ctx context.Context, ev fetch.EventRequestPaused) (*http.Response, []byte, error) {
	var post []byte
	for _, e := range ev.Request.PostDataEntries {
		post = append(post, e.Bytes...)
	}
	hreq, err := http.NewRequestWithContext(ctx, ev.Request.Method, ev.Request.URL+ev.Request.URLFragment, bytes.NewReader(post))
	if err != nil {
		return nil, nil, err
	}
	hreq.URL.Fragment = ""
	for name, v := range ev.Request.Headers {
		if !strings.EqualFold(name, "Accept-Encoding") { // Go asks for gzip itself and decodes it
			hreq.Header.Set(name, fmt.Sprint(v))
		}
	}
	if jar, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{ev.Request.URL}}); err == nil && len(jar.Cookies) > 0 {
		pairs := make([]string, len(jar.Cookies))
		for i, c := range jar.Cookies {
			pairs[i] = c.Name + "=" + c.Value
		}
		hreq.Header.Set("Cookie", strings.Join(pairs, "; "))
	}
	resp, err := r.client.Do(hreq)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxProxiedBody+1))
	if err == nil && len(body) > maxProxiedBody {
		err = fmt.Errorf("the response is over %d bytes", maxProxiedBody)
	}
	return resp, body, err
}
