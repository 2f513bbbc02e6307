package engine

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// Recording is what the tab requested and received while one BrowserQL
// request ran, for request, response, waitForRequest and waitForResponse.
type Recording struct {
	page      *Page
	stop      context.CancelFunc
	mu        sync.Mutex
	exchanges []*Exchange
	byID      map[network.RequestID]*Exchange
	changed   chan struct{} // closed and replaced on every change
}

// Exchange is one request of the page and, once it arrived, its response.
type Exchange struct {
	ID       string
	URL      string
	Method   string
	Type     string // the browser's resource type: Document, XHR, Fetch…
	Headers  []Header
	PostData *string
	Response *ExchangeResponse // nil until it arrives
	finished bool              // loading finished or failed
	claims   int               // which waits returned it: 1 request, 2 response
}

// ExchangeResponse is the response of an Exchange.
type ExchangeResponse struct {
	Status     int
	StatusText string
	MimeType   string
	Headers    []Header
}

// Header is an HTTP header.
type Header struct{ Name, Value string }

// Record starts recording the tab's requests until Close. It also counts
// the navigations so far as seen, so that waitForNavigation waits for a
// later one.
func (p *Page) Record() (*Recording, error) {
	n, err := p.navigations()
	if err != nil {
		return nil, err
	}
	n.mark(true)
	life, stop := context.WithCancel(p.ctx)
	r := &Recording{page: p, stop: stop, byID: map[network.RequestID]*Exchange{}, changed: make(chan struct{})}
	if err := chromedp.Listen(life, r.observe); err != nil {
		stop()
		return nil, err
	}
	return r, nil
}

// Close stops recording.
func (r *Recording) Close() { r.stop() }

func (r *Recording) observe(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.requested(ev)
	case *network.EventResponseReceived:
		if x := r.byID[ev.RequestID]; x != nil {
			x.Response = toExchangeResponse(ev.Response)
		}
	case *network.EventLoadingFinished:
		r.finish(ev.RequestID)
	case *network.EventLoadingFailed:
		r.finish(ev.RequestID)
	default:
		return
	}
	close(r.changed)
	r.changed = make(chan struct{})
}

// requested adds a request; a redirect ends the exchange before it with the
// redirect's response.
func (r *Recording) requested(ev *network.EventRequestWillBeSent) {
	if prev := r.byID[ev.RequestID]; prev != nil && ev.RedirectResponse != nil {
		prev.Response, prev.finished = toExchangeResponse(ev.RedirectResponse), true
	}
	x := &Exchange{ID: string(ev.RequestID), URL: ev.Request.URL, Method: ev.Request.Method, Type: string(ev.Type), Headers: headerList(ev.Request.Headers), PostData: postData(ev.Request)}
	r.exchanges = append(r.exchanges, x)
	r.byID[ev.RequestID] = x
}

func (r *Recording) finish(id network.RequestID) {
	if x := r.byID[id]; x != nil {
		x.finished = true
	}
}

func toExchangeResponse(res *network.Response) *ExchangeResponse {
	return &ExchangeResponse{Status: int(res.Status), StatusText: res.StatusText, MimeType: res.MimeType, Headers: headerList(res.Headers)}
}

func headerList(h network.Headers) []Header {
	out := make([]Header, 0, len(h))
	for name, v := range h {
		out = append(out, Header{Name: name, Value: fmt.Sprint(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func postData(req *network.Request) *string {
	if !req.HasPostData || len(req.PostDataEntries) == 0 {
		return nil
	}
	var b []byte
	for _, e := range req.PostDataEntries {
		b = append(b, e.Bytes...)
	}
	s := string(b)
	return &s
}

// Requests returns the recorded requests that match, oldest first; with
// wait it waits for the first match when there is none yet.
func (r *Recording) Requests(req context.Context, f Filter, wait bool, timeout time.Duration) ([]Exchange, error) {
	return r.list(req, f, false, wait, timeout)
}

// Responses returns the recorded responses that match, oldest first; with
// wait it waits for the first match when there is none yet.
func (r *Recording) Responses(req context.Context, f Filter, wait bool, timeout time.Duration) ([]Exchange, error) {
	return r.list(req, f, true, wait, timeout)
}

func (r *Recording) list(req context.Context, f Filter, responses, wait bool, timeout time.Duration) ([]Exchange, error) {
	m := f.compile()
	var out []Exchange
	collect := func() bool {
		out = out[:0]
		for _, x := range r.exchanges {
			if x.matches(m, responses) {
				out = append(out, *x)
			}
		}
		return len(out) > 0 || !wait
	}
	err := r.waitFor(req, timeout, collect)
	return out, stepError(req, err, sessionql.CodeTimeout, "waiting for a matching request", timeout)
}

// Has tells whether a matching request (or, with responses, response) was
// recorded, at this moment.
func (r *Recording) Has(f Filter, responses bool) bool {
	m := f.compile()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.exchanges {
		if x.matches(m, responses) {
			return true
		}
	}
	return false
}

// WaitForRequest returns the first matching request that no earlier
// WaitForRequest returned, waiting for one when there is none.
func (r *Recording) WaitForRequest(req context.Context, f Filter, timeout time.Duration) (Exchange, error) {
	return r.claim(req, f, false, timeout)
}

// WaitForResponse is WaitForRequest for responses.
func (r *Recording) WaitForResponse(req context.Context, f Filter, timeout time.Duration) (Exchange, error) {
	return r.claim(req, f, true, timeout)
}

func (r *Recording) claim(req context.Context, f Filter, responses bool, timeout time.Duration) (Exchange, error) {
	m := f.compile()
	bit := 1
	if responses {
		bit = 2
	}
	var got Exchange
	err := r.waitFor(req, timeout, func() bool {
		for _, x := range r.exchanges {
			if x.claims&bit == 0 && x.matches(m, responses) {
				x.claims |= bit
				got = *x
				return true
			}
		}
		return false
	})
	return got, stepError(req, err, sessionql.CodeTimeout, "waiting for a matching request", timeout)
}

func (x *Exchange) matches(m matcher, responses bool) bool {
	if !responses {
		return m.match(x.URL, x.Type, x.Method, 0)
	}
	return x.Response != nil && m.match(x.URL, x.Type, x.Method, x.Response.Status)
}

// waitFor calls done under the lock after every change until it says true,
// or the timeout or the request ends.
func (r *Recording) waitFor(req context.Context, timeout time.Duration, done func() bool) error {
	ctx, cancel := context.WithTimeout(req, timeout)
	defer cancel()
	for {
		r.mu.Lock()
		ok, changed := done(), r.changed
		r.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Body returns the body of a recorded response, waiting for it to finish
// loading; ok is false when the browser no longer has it.
func (r *Recording) Body(req context.Context, id string, timeout time.Duration) (body string, base64 bool, ok bool, err error) {
	err = r.waitFor(req, timeout, func() bool {
		x := r.byID[network.RequestID(id)]
		return x == nil || x.finished
	})
	if err != nil {
		return "", false, false, stepError(req, err, sessionql.CodeTimeout, "waiting for a response body", timeout)
	}
	ctx, cancel := r.page.step(req, timeout)
	defer cancel()
	var res struct {
		Body          string `json:"body"`
		Base64Encoded bool   `json:"base64Encoded"`
	}
	if err := r.page.target().Call(ctx, network.CommandGetResponseBody, network.GetResponseBodyParams{RequestID: network.RequestID(id)}, &res); err != nil {
		return "", false, false, nil
	}
	return res.Body, res.Base64Encoded, true, nil
}
