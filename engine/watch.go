package engine

import (
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// EventFunc receives what happens on a page: an event type (see package
// events) and its data, which holds no request bodies, headers or cookies.
type EventFunc func(typ string, data any)

// maxTracked bounds the requests a watcher remembers between their start
// and their end.
const maxTracked = 2048

// WatchOptions choose what Watch reports beyond navigations, dialogs,
// downloads, console calls and the browser's own log entries.
type WatchOptions struct {
	Network    bool // every response and failed request
	Exceptions bool // uncaught exceptions, which turns Runtime on; see watchConsole
}

// Watch reports the page's navigations, dialogs, downloads, console calls
// and log entries to fn, and what opts ask for. Navigations, dialogs,
// downloads, network and the Log domain (the browser's own messages: failed
// loads, interventions, violations) come from domains the engine has on
// anyway (Page, Network, Log); console calls and exceptions from a session
// of their own (watchConsole).
func (p *Page) Watch(fn EventFunc, opts WatchOptions) error {
	w := &watcher{fn: fn, network: opts.Network, frame: p.frameID(), requests: map[string]*tracked{}}
	if err := chromedp.Listen(p.ctx, w.observe); err != nil {
		return err
	}
	return p.watchConsole(fn, opts.Exceptions)
}

type watcher struct {
	fn      EventFunc
	network bool
	frame   cdp.FrameID

	mu       sync.Mutex
	status   int64 // the status of the main frame's last document response
	requests map[string]*tracked
}

type tracked struct {
	url, method string
	start       time.Time
	status      int64
	typ         string
}

func (w *watcher) observe(ev any) {
	switch ev := ev.(type) {
	case *page.EventFrameNavigated:
		if ev.Frame.ParentID == "" {
			w.mu.Lock()
			status := w.status
			w.mu.Unlock()
			w.fn("navigated", map[string]any{"url": ev.Frame.URL, "status": status})
		}
	case *page.EventJavascriptDialogOpening:
		w.fn("dialog", map[string]any{"type": ev.Type, "url": ev.URL})
	case *browser.EventDownloadWillBegin:
		w.fn("download", map[string]any{"url": ev.URL, "filename": ev.SuggestedFilename})
	case *log.EventEntryAdded:
		w.entry(ev.Entry)
	default:
		w.observeNetwork(ev)
	}
}

// entry reports one Log domain entry: an error the browser reports about
// the page's scripts is a page_error, the rest console.
func (w *watcher) entry(e *log.Entry) {
	typ := "console"
	if e.Source == log.EntrySourceJavascript && e.Level == log.EntryLevelError {
		typ = "page_error"
	}
	w.fn(typ, map[string]any{"level": e.Level, "source": e.Source, "text": e.Text, "url": e.URL})
}

func (w *watcher) observeNetwork(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if w.network && len(w.requests) < maxTracked {
			w.requests[string(ev.RequestID)] = &tracked{url: ev.Request.URL, method: ev.Request.Method, start: time.Now(), typ: string(ev.Type)}
		}
	case *network.EventResponseReceived:
		if ev.Type == network.ResourceTypeDocument && ev.FrameID == w.frame {
			w.status = ev.Response.Status
		}
		if t := w.requests[string(ev.RequestID)]; t != nil {
			t.status = ev.Response.Status
		}
	case *network.EventLoadingFinished:
		if t := w.take(string(ev.RequestID)); t != nil {
			w.fn("response", map[string]any{"url": t.url, "method": t.method, "status": t.status, "type": t.typ, "bytes": int64(ev.EncodedDataLength), "ms": time.Since(t.start).Milliseconds()})
		}
	case *network.EventLoadingFailed:
		if t := w.take(string(ev.RequestID)); t != nil {
			w.fn("request_failed", map[string]any{"url": t.url, "method": t.method, "type": t.typ, "error": ev.ErrorText, "blocked": ev.BlockedReason})
		}
	}
}

// take forgets a request and returns what was known of it; the caller
// holds w.mu.
func (w *watcher) take(id string) *tracked {
	t := w.requests[id]
	delete(w.requests, id)
	return t
}
