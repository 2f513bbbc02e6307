package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/domstorage"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// stateTimeout bounds saving or restoring a session's state.
const stateTimeout = 20 * time.Second

// blankDocument is what the engine serves itself at an origin whose storage
// it restores: no script runs and no request leaves the machine.
const blankDocument = "<!doctype html><title></title>"

// RestoreCookies replaces the cookie jar of a freshly started browser with
// the saved one, over the browser's own connection, so that it can run
// while the engine's tab is still opening. A cookie that Chromium refuses
// (e.g. one that expired meanwhile) does not stop the others.
func (b *Browser) RestoreCookies(ctx context.Context, st *State) error {
	ctx, cancel := context.WithTimeout(ctx, stateTimeout)
	defer cancel()
	call := func(method string, params any) error {
		_, err := b.mux.Call(ctx, "", method, params)
		return err
	}
	if err := call("Storage.clearCookies", storage.ClearCookiesParams{}); err != nil {
		return fmt.Errorf("clear cookies: %w", err)
	}
	if len(st.Cookies) == 0 || call("Storage.setCookies", storage.SetCookiesParams{Cookies: st.Cookies}) == nil {
		return nil
	}
	var errs []error
	for _, c := range st.Cookies {
		err := call("Storage.setCookies", storage.SetCookiesParams{Cookies: []*network.CookieParam{c}})
		if err != nil && c.Expires == 0 || err != nil && float64(c.Expires) > float64(time.Now().Unix()) {
			errs = append(errs, fmt.Errorf("restore cookie %s for %s%s: %w", c.Name, c.Domain, c.URL, err))
		}
	}
	return errors.Join(errs...)
}

// RestoreState puts the rest of a saved state into the tab of a freshly
// started browser before any client sees it (the cookies are
// RestoreCookies'): the web storage, then the settings mutations made. The
// tab ends on about:blank with no history. A failure for one origin does
// not stop the others; all failures are returned together.
//
// After a clean close the profile holds localStorage and the state only
// sessionStorage, which this tab alone can read: it is restored lazily, in
// the first document of each origin (see restoreSessionLazily). Saved
// localStorage, which any tab or worker could read, means the browser did
// not close cleanly: then each origin's storage is written at once by the
// engine's own script in a blank document of that origin that the engine
// serves itself.
func (p *Page) RestoreState(ctx context.Context, st *State) error {
	ctx, cancel := p.step(ctx, stateTimeout)
	defer cancel()
	var errs []error
	if stateHasLocal(st) {
		errs = append(errs, p.restoreStorage(ctx, st))
	} else if session := savedSessionStorage(st); len(session) > 0 {
		errs = append(errs, p.restoreSessionLazily(ctx, session))
	}
	errs = append(errs, p.applySettings(ctx, st.Settings))
	return errors.Join(errs...)
}

func stateHasLocal(st *State) bool {
	for origin, s := range st.Origins {
		if webOrigin(origin) && s.Local != nil {
			return true
		}
	}
	return false
}

// savedSessionStorage is the sessionStorage of the state's web origins that
// have any.
func savedSessionStorage(st *State) map[string]map[string]string {
	out := map[string]map[string]string{}
	for origin, s := range st.Origins {
		if webOrigin(origin) && len(s.Session) > 0 {
			out[origin] = s.Session
		}
	}
	return out
}

// restoreStorage visits each origin on a blank document served by the
// engine and writes its storage there.
func (p *Page) restoreStorage(ctx context.Context, st *State) error {
	stop, err := p.serveBlank(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for origin, s := range st.Origins {
		if webOrigin(origin) && (s.Local != nil || s.Session != nil) {
			errs = append(errs, p.restoreOrigin(ctx, origin, s))
		}
	}
	stop()
	errs = append(errs, p.blankTab(ctx))
	return errors.Join(errs...)
}

func (p *Page) restoreOrigin(ctx context.Context, origin string, s *Storage) error {
	if err := navigateSettled(ctx, origin+"/"); err != nil {
		return fmt.Errorf("open %s to restore its storage: %w", origin, err)
	}
	// From the blank document itself, in the engine's world: one round trip
	// instead of one DOMStorage command per item; DOMStorage is the fallback.
	if p.callInWorld(ctx, writeStorage, nil, s.Local, s.Session) == nil {
		return nil
	}
	for local, items := range map[bool]map[string]string{true: s.Local, false: s.Session} {
		if err := writeSavedStorage(ctx, savedStorageID(origin, local), items); err != nil {
			return fmt.Errorf("restore the storage of %s: %w", origin, err)
		}
	}
	return nil
}

// writeStorage replaces the document's localStorage and sessionStorage
// with the saved items; a null leaves that storage alone.
const writeStorage = `function (local, session) {
	const write = (s, items) => { if (items === null) return; s.clear(); for (const k in items) s.setItem(k, items[k]); };
	write(localStorage, local);
	write(sessionStorage, session);
}`

func writeSavedStorage(ctx context.Context, id *domstorage.StorageID, items map[string]string) error {
	if items == nil {
		return nil
	}
	if _, err := chromedp.Call(ctx, domstorage.Clear, domstorage.ClearParams{StorageID: id}); err != nil {
		return err
	}
	for k, v := range items {
		if _, err := chromedp.Call(ctx, domstorage.SetDOMStorageItem, domstorage.SetDOMStorageItemParams{StorageID: id, Key: k, Value: v}); err != nil {
			return err
		}
	}
	return nil
}

// serveBlank answers every request of the tab with the blank document until
// stop is called, bypassing service workers, so that visiting an origin
// neither reaches the network nor runs the origin's code.
func (p *Page) serveBlank(ctx context.Context) (stop func(), err error) {
	chromedp.Call(ctx, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: true})
	listen, cancel := context.WithCancel(ctx)
	paused := make(chan *fetch.EventRequestPaused, 16)
	chromedp.Listen(listen, func(ev any) {
		if ev, ok := ev.(*fetch.EventRequestPaused); ok {
			select {
			case paused <- ev:
			default: // the request fails on its own when the tab is done with
			}
		}
	})
	var wg sync.WaitGroup
	wg.Go(func() { fulfilBlank(listen, paused) })
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		cancel()
		wg.Wait()
		return nil, fmt.Errorf("intercept the tab's requests: %w", err)
	}
	return func() {
		chromedp.Call(ctx, fetch.Disable, cdp.Empty{})
		chromedp.Call(ctx, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: false})
		cancel()
		wg.Wait()
	}, nil
}

// fulfilBlank answers paused requests: documents get the blank page, anything
// else a 404, until ctx ends.
func fulfilBlank(ctx context.Context, paused <-chan *fetch.EventRequestPaused) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-paused:
			params := fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 404}
			if ev.ResourceType == network.ResourceTypeDocument {
				params.ResponseCode = 200
				params.ResponseHeaders = []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html"}}
				params.Body = []byte(blankDocument)
			}
			chromedp.Call(ctx, fetch.FulfillRequest, params)
		}
	}
}

// blankTab leaves the tab on about:blank with no history, as after a
// launch. The blank document replaces itself, which keeps its renderer,
// where a navigation by the browser would start a new one.
func (p *Page) blankTab(ctx context.Context) error {
	if err := p.callInWorld(ctx, "function () { location.replace('about:blank'); }", nil); err != nil {
		return fmt.Errorf("leave the restored origins: %w", err)
	}
	if err := waitMainFrame(ctx, func(f *cdp.Frame) bool { return f.URL == "about:blank" }); err != nil {
		return fmt.Errorf("leave the restored origins: %w", err)
	}
	if _, err := chromedp.Call(ctx, page.ResetNavigationHistory, cdp.Empty{}); err != nil {
		return fmt.Errorf("reset the tab's history: %w", err)
	}
	return nil
}

// navigateSettled navigates the tab and returns once its main frame shows
// the new document.
func navigateSettled(ctx context.Context, url string) error {
	res, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: url})
	if err == nil && res.ErrorText != "" {
		err = errors.New(res.ErrorText)
	}
	if err != nil {
		return err
	}
	return waitMainFrame(ctx, func(f *cdp.Frame) bool { return f.LoaderID == res.LoaderID })
}

// waitMainFrame polls the tab's main frame until done holds for it; polling
// needs no domain enabled.
func waitMainFrame(ctx context.Context, done func(*cdp.Frame) bool) error {
	for {
		tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return err
		}
		if done(tree.FrameTree.Frame) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}
