package model

import (
	"context"
	"sync"
)

// NetworkResponse is a response the page received. Its body is fetched from
// the browser only when the query asks for it.
type NetworkResponse struct {
	URL        string   `json:"url"`
	Status     int      `json:"status"`
	StatusText string   `json:"statusText"`
	Method     string   `json:"method"`
	Type       string   `json:"type"`
	MimeType   string   `json:"mimeType"`
	Headers    []Header `json:"headers"`

	Lazy *LazyBody `json:"-"`
}

// LazyBody fetches a response body on first use, once.
type LazyBody struct {
	// Fetch returns the body, whether it is base64, and whether the browser
	// still had it.
	Fetch func(ctx context.Context) (body string, base64 bool, ok bool, err error)

	once   sync.Once
	body   *string
	base64 bool
	err    error
}

// Body is the response body; null when the browser no longer has it.
func (r NetworkResponse) Body(ctx context.Context) (*string, error) {
	if r.Lazy == nil {
		return nil, nil
	}
	r.Lazy.get(ctx)
	return r.Lazy.body, r.Lazy.err
}

// Base64Encoded tells whether Body is base64-encoded binary data.
func (r NetworkResponse) Base64Encoded(ctx context.Context) (bool, error) {
	if r.Lazy == nil {
		return false, nil
	}
	r.Lazy.get(ctx)
	return r.Lazy.base64, nil
}

func (l *LazyBody) get(ctx context.Context) {
	l.once.Do(func() {
		body, b64, ok, err := l.Fetch(ctx)
		if ok {
			l.body = &body
		}
		l.base64, l.err = b64, err
	})
}
