package engine

import (
	"context"
	"sync"

	"github.com/chromedp/cdproto/network"
)

// Settled is the main frame's web storage as Settle read it, once the
// request's last step was done and no navigation was in flight, with the
// checkpoint's other reads, which Settle starts beside its call into the
// page. A checkpoint right after the request takes it in place of reads of
// its own (SaveStateAfter), which saves a round trip through the page and
// one through the browser.
type Settled struct {
	page  *Page
	main  mainStorage
	reads *stateReads
}

// TakeSettled returns what the last Settle read, once: nil when it read
// nothing or a navigation was in flight, and after it was taken.
func (p *Page) TakeSettled() *Settled { return p.settled.Swap(nil) }

// stateReads are a checkpoint's reads that need no call into the page: the
// browser's cookie jar, the storage of its other tabs, and the tab's
// first-party origins. They run in the background from startStateReads
// until done is closed.
type stateReads struct {
	done   chan struct{}
	cancel context.CancelFunc // ends the reads early

	cookies    []*network.Cookie
	cookiesErr error
	others     map[string]*Storage
	othersErr  error
	origins    []string
	originsErr error
}

// startStateReads starts the reads, each bounded by stateTimeout and
// ended early by req's end or cancel. A page whose reads timed out or were
// ended is unstuck, as after any step.
func (p *Page) startStateReads(req context.Context) *stateReads {
	base, cancelBase := context.WithCancel(req)
	jarCtx, cancelJar := context.WithTimeout(base, stateTimeout)
	ctx, cancel := p.step(base, stateTimeout)
	r := &stateReads{done: make(chan struct{}), cancel: cancelBase}
	go func() {
		defer close(r.done)
		defer cancelBase()
		defer cancelJar()
		defer cancel()
		var wg sync.WaitGroup
		wg.Go(func() { r.cookies, r.cookiesErr = p.browserCookies(jarCtx) })
		wg.Go(func() { r.others, r.othersErr = p.otherTabs(ctx) })
		r.origins, r.originsErr = p.firstPartyOrigins(ctx)
		wg.Wait()
	}()
	return r
}

// wait waits until the reads are done, ending them when req ends first.
func (r *stateReads) wait(req context.Context) {
	stop := context.AfterFunc(req, r.cancel)
	defer stop()
	<-r.done
}
