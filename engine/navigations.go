package engine

import (
	"context"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// navLogSize bounds how many navigations the log remembers.
const navLogSize = 32

// navigation is the log of the main frame's navigations in the order they
// started, with their responses and lifecycle events. It lives as long as
// the tab, so a step can wait for a navigation that began before it ran.
type navigation struct {
	frame   cdp.FrameID
	mu      sync.Mutex
	entries []*navEntry                  // the latest navLogSize navigations, oldest first
	seq     int                          // navigations seen so far
	claimed int                          // the seq of the last navigation a step returned
	asked   bool                         // the page asked for a navigation that has not started yet
	byURL   map[string]*network.Response // the latest response of each document URL, for back-forward cache restores
	handed  int                          // the seq of the last navigation waitForNavigation returned, or of the request's start
	changed chan struct{}                // closed and replaced on every change
}

// navEntry is one navigation of the main frame.
type navEntry struct {
	seq      int
	loader   cdp.LoaderID // empty for same-document and back-forward cache navigations
	url      string
	response *network.Response
	reached  map[string]bool // lifecycle events, and "commit"
	instant  bool            // complete as soon as it happened
	ended    bool            // its document request finished or failed
}

// navigations returns the tab's navigation log, starting it on first use.
func (p *Page) navigations() (*navigation, error) {
	p.steps.mu.Lock()
	defer p.steps.mu.Unlock()
	if p.steps.nav != nil {
		return p.steps.nav, nil
	}
	n := &navigation{frame: p.frameID(), changed: make(chan struct{})}
	if err := chromedp.Listen(p.ctx, n.observe); err != nil {
		return nil, err
	}
	p.steps.nav = n
	return n, nil
}

func (n *navigation) observe(ev any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.record(ev) {
		return
	}
	close(n.changed)
	n.changed = make(chan struct{})
}

// record notes one event and tells whether it changed the log.
func (n *navigation) record(ev any) bool {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Type != network.ResourceTypeDocument || ev.FrameID != n.frame || string(ev.RequestID) != string(ev.LoaderID) {
			return false
		}
		n.entry(ev.LoaderID).url, n.asked = ev.Request.URL, false
	case *page.EventFrameRequestedNavigation:
		if ev.FrameID != n.frame || ev.Disposition != page.ClientNavigationDispositionCurrentTab {
			return false
		}
		n.asked = true
	case *network.EventResponseReceived:
		if ev.Type != network.ResourceTypeDocument || ev.FrameID != n.frame {
			return false
		}
		n.entry(ev.LoaderID).response = ev.Response
		n.remember(ev.Response)
	case *page.EventLifecycleEvent:
		if ev.FrameID != n.frame {
			return false
		}
		n.entry(ev.LoaderID).reached[ev.Name] = true
	case *network.EventLoadingFinished:
		return n.end(string(ev.RequestID))
	case *network.EventLoadingFailed:
		return n.end(string(ev.RequestID))
	case *page.EventFrameNavigated:
		return ev.Frame.ID == n.frame && n.navigated(ev)
	case *page.EventNavigatedWithinDocument:
		if ev.FrameID != n.frame {
			return false
		}
		n.add("", ev.URL).instant = true
		n.asked = false
	default:
		return false
	}
	return true
}

func (n *navigation) navigated(ev *page.EventFrameNavigated) bool {
	n.asked = false
	if ev.Type == page.NavigationTypeBackForwardCacheRestore {
		e := n.add("", ev.Frame.URL)
		e.instant, e.response = true, n.byURL[ev.Frame.URL] // the document's own response, as when it first loaded
		return true
	}
	e := n.entry(ev.Frame.LoaderID)
	e.reached["commit"], e.url = true, ev.Frame.URL
	return true
}

// remember keeps a document's response for when the back-forward cache
// restores it, which answers no new one.
func (n *navigation) remember(r *network.Response) {
	if n.byURL == nil || len(n.byURL) >= 4*navLogSize {
		n.byURL = map[string]*network.Response{}
	}
	n.byURL[r.URL] = r
}

// end notes that the document request of a navigation (whose request id
// is its loader id) finished or failed.
func (n *navigation) end(requestID string) bool {
	for _, e := range n.entries {
		if string(e.loader) == requestID && requestID != "" {
			e.ended = true
			return true
		}
	}
	return false
}

// pending tells whether a navigation started and has neither replaced the
// document nor ended.
func (n *navigation) pending() bool {
	if n.asked {
		return true
	}
	for _, e := range n.entries {
		if e.loader != "" && e.url != "" && !e.committed() && !e.ended {
			return true
		}
	}
	return false
}

// Settle waits, up to limit, until no navigation of the main frame is in
// flight, so that a request that ends with a click submitting a form leaves
// no navigation for the next request's goto to trip over, and its
// checkpoint saves what that navigation brought. A call into the page
// first lets the page announce a navigation the steps started, which it
// does before it answers; the call is a direct one, not a task's round
// trip (setTimeout), which after a click waits until the page has
// rendered it (8–10 ms on a busy machine) where the direct call is
// answered at once. It also reads the main frame's storage for the
// checkpoint (see Settled), kept only when no navigation was in flight.
// After read-only steps (see MarkReadOnly) there is no call at all.
func (p *Page) Settle(limit time.Duration) {
	p.settled.Store(nil)
	n, err := p.navigations()
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, limit)
	defer cancel()
	read := &Settled{page: p}
	if p.onlyRead.Load() {
		// Reads run no code of the page's, so they started no navigation
		// to announce; and the checkpoint is skipped or reads afresh.
		read = nil
	} else if p.callInWorld(ctx, readMainStorage, &read.main) != nil {
		read = nil
	}
	if n.await(ctx) {
		read = nil
	}
	p.settled.Store(read)
}

// await waits until no navigation is in flight or ctx ends, and tells
// whether it had to wait.
func (n *navigation) await(ctx context.Context) (waited bool) {
	for {
		n.mu.Lock()
		busy, changed := n.pending(), n.changed
		n.mu.Unlock()
		if !busy {
			return waited
		}
		waited = true
		select {
		case <-changed:
		case <-ctx.Done():
			n.mu.Lock()
			n.asked = false // a navigation asked for and never begun does not hold up every request
			n.mu.Unlock()
			return waited
		}
	}
}

// entry returns the navigation of a loader, adding it when it is new.
func (n *navigation) entry(loader cdp.LoaderID) *navEntry {
	for _, e := range n.entries {
		if e.loader == loader && loader != "" {
			return e
		}
	}
	return n.add(loader, "")
}

func (n *navigation) add(loader cdp.LoaderID, url string) *navEntry {
	n.seq++
	e := &navEntry{seq: n.seq, loader: loader, url: url, reached: map[string]bool{}}
	n.entries = append(n.entries, e)
	if len(n.entries) > navLogSize {
		n.entries = n.entries[1:]
	}
	return e
}

// done tells whether the navigation reached the moment.
func (e *navEntry) done(until WaitUntil) bool {
	if e.instant {
		return true
	}
	name, ok := lifecycleNames[until]
	if !ok {
		name = lifecycleNames[Load]
	}
	return e.reached[name]
}

// committed tells whether the navigation replaced the document; one that
// never does (a download, a 204) is passed over when a later one exists.
func (e *navEntry) committed() bool { return e.instant || e.reached["commit"] || e.reached["init"] }

// pick chooses the navigation to wait for from the log, under its lock.
type pick func(n *navigation) *navEntry

// byLoader picks the navigation of a loader.
func (n *navigation) byLoader(loader cdp.LoaderID) pick {
	return func(n *navigation) *navEntry {
		for _, e := range n.entries {
			if e.loader == loader {
				return e
			}
		}
		return nil
	}
}

// after picks the first navigation that started after seq and committed, or
// else the latest one.
func (n *navigation) after(seq int) pick {
	return func(n *navigation) *navEntry {
		var last *navEntry
		for _, e := range n.entries {
			if e.seq <= seq {
				continue
			}
			if e.committed() {
				return e
			}
			last = e
		}
		return last
	}
}

// wait blocks until the picked navigation reached the moment, and claims it
// so that waitForNavigation looks past it.
func (n *navigation) wait(ctx context.Context, pick pick, until WaitUntil) (*navEntry, error) {
	for {
		n.mu.Lock()
		e, changed := pick(n), n.changed
		if e != nil && e.done(until) {
			n.claimed = max(n.claimed, e.seq)
			n.mu.Unlock()
			return e, nil
		}
		n.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// mark returns the count of navigations so far, and with claim also treats
// them as seen by waitForNavigation.
func (n *navigation) mark(claim bool) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	if claim {
		n.claimed, n.handed = n.seq, n.seq
	}
	return n.seq
}

// forWaitForNavigation picks what waitForNavigation returns: the first
// navigation that started after the last one a step waited for; or, with
// afterStep, when none has started and no waitForNavigation returned the
// step's own navigation yet, that one, as Browserless answers goto followed
// by waitForNavigation.
func (n *navigation) forWaitForNavigation(afterStep bool) pick {
	n.mu.Lock()
	defer n.mu.Unlock()
	next := n.after(n.claimed)
	if !afterStep || next(n) != nil || n.claimed <= n.handed {
		return next
	}
	var last *navEntry
	for _, e := range n.entries {
		if e.seq == n.claimed {
			last = e
		}
	}
	return func(n *navigation) *navEntry {
		if e := next(n); e != nil || last == nil {
			return e
		}
		return last
	}
}

// handOver notes the navigation waitForNavigation returned.
func (n *navigation) handOver(e *navEntry) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.handed = max(n.handed, e.seq)
}
