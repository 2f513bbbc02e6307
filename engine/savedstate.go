package engine

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/domstorage"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// State is what a session keeps outside Chromium, because Chromium writes it
// to the profile lazily (cookies every 30 s, localStorage after a delay) or
// not at all (session cookies, sessionStorage): the cookie jar, and the web
// storage of the origins the tab has shown; and the tab's settings, which
// live only as long as the browser.
type State struct {
	Cookies  []*network.CookieParam `json:"cookies"`
	Origins  map[string]*Storage    `json:"origins,omitempty"`
	Settings *Settings              `json:"settings,omitempty"` // what mutations overrode on the tab
}

// Storage is the web storage of one origin. A nil map was not read and is
// left alone on restore.
type Storage struct {
	Local   map[string]string `json:"local"`
	Session map[string]string `json:"session"`
}

// SaveState reads the browser's cookies, the localStorage and
// sessionStorage of every first-party frame in the tab, and the
// localStorage of the origins in the browser's other tabs. It enables no
// domain, so pages see nothing of it. The reads run side by side, as this
// runs after every request. When only the storage could not be read, the
// state holds the cookies and the error says what is missing.
//
// The cookies are read over the browser's own pipe, not through the tab: a
// CDP client may have closed the tab (every one of them, before it left),
// and the session cookies, which Chromium never writes to the profile,
// would then be lost at the next hibernation.
func (p *Page) SaveState(ctx context.Context) (*State, error) { return p.SaveStateAfter(ctx, nil) }

// SaveStateAfter is SaveState for the checkpoint that ends a request: the
// main frame's storage is what settled read at the request's end, when it
// is this page's, instead of another call into the page.
//
// The jar is read only after a call into the page has answered (Settle's,
// or one of its own here): a page's document.cookie write reaches the jar
// on the renderer's own channel, which the browser's read does not wait
// for, and reading document.cookie in the page waits for that channel.
// Without it a cookie a request's script set was missing from the
// checkpoint now and then.
func (p *Page) SaveStateAfter(req context.Context, settled *Settled) (*State, error) {
	jarCtx, cancelJar := context.WithTimeout(req, stateTimeout)
	defer cancelJar()
	ctx, cancel := p.step(req, stateTimeout)
	defer cancel()
	if settled == nil || settled.page != p {
		settled = p.readSettled(ctx)
	}
	var cookies []*network.Cookie
	var others map[string]*Storage
	var cookiesErr, othersErr error
	var wg sync.WaitGroup
	wg.Go(func() { cookies, cookiesErr = p.browserCookies(jarCtx) })
	wg.Go(func() { others, othersErr = p.otherTabs(ctx) })
	origins, err := p.readOrigins(ctx, settled)
	wg.Wait()
	if cookiesErr != nil {
		return nil, cookiesErr
	}
	if origins == nil {
		origins = map[string]*Storage{}
	}
	for o, s := range others {
		if origins[o] == nil {
			origins[o] = s
		}
	}
	return &State{Cookies: savedCookieParams(cookies), Origins: origins, Settings: p.savedSettings()}, errors.Join(err, othersErr)
}

// browserCookies reads the default browser context's cookie jar with
// Storage.getCookies on the browser's target, which needs no tab.
func (p *Page) browserCookies(ctx context.Context) ([]*network.Cookie, error) {
	raw, err := p.mux.Call(ctx, "", storage.CommandGetCookies, storage.GetCookiesParams{})
	if err != nil {
		return nil, err
	}
	var res storage.GetCookiesResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, err
	}
	return res.Cookies, nil
}

// readOrigins reads the storage of the tab's first-party origins: the main
// frame's as settled read it, the other frames' (and the main frame's, when
// the page did not answer) through DOMStorage.
func (p *Page) readOrigins(ctx context.Context, settled *Settled) (map[string]*Storage, error) {
	origins, err := p.firstPartyOrigins(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Storage, len(origins))
	if main := settled.mainOf(p); webOrigin(main.Origin) && main.Local != nil && main.Session != nil {
		out[main.Origin] = &Storage{Local: main.Local, Session: main.Session}
	}
	return out, p.readOthers(ctx, origins, out)
}

// mainStorage is what readMainStorage returns.
type mainStorage struct {
	Origin         string
	Local, Session map[string]string
}

// pageReadTimeout bounds the checkpoint's own call into the page: a page
// busy in a long script does not answer it, and the cookie jar, which
// waits for it, must still be read within the save's bound.
const pageReadTimeout = 3 * time.Second

// readSettled reads the main frame's storage as Settle does; nil when the
// page did not answer within pageReadTimeout (a busy page, a tab a client
// closed), and the jar is read anyway.
func (p *Page) readSettled(ctx context.Context) *Settled {
	ctx, cancel := context.WithTimeout(ctx, pageReadTimeout)
	defer cancel()
	read := &Settled{page: p}
	if p.callInWorld(ctx, readMainStorage, &read.main) != nil {
		return nil
	}
	return read
}

// readMainStorage reads the main frame's storage; an opaque origin has
// none and answers nulls. It reads document.cookie first, which returns
// once the jar holds every cookie the document wrote (see SaveStateAfter).
const readMainStorage = `function () {
	const read = (s) => { const o = {}; for (let i = 0; i < s.length; i++) { const k = s.key(i); o[k] = s.getItem(k); } return o; };
	try { void document.cookie; } catch (e) {}
	try { return {origin: location.origin, local: read(localStorage), session: read(sessionStorage)}; }
	catch (e) { return {origin: location.origin, local: null, session: null}; }
}`

// readOthers reads, through DOMStorage, the origins that out lacks.
func (p *Page) readOthers(ctx context.Context, origins []string, out map[string]*Storage) error {
	var missing []string
	for _, origin := range origins {
		if out[origin] == nil {
			missing = append(missing, origin)
		}
	}
	errs := make([]error, len(missing))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, origin := range missing {
		wg.Go(func() {
			s, err := readSavedStorage(ctx, origin)
			mu.Lock()
			out[origin], errs[i] = s, err
			mu.Unlock()
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// firstPartyOrigins are the web origins of the tab's frames whose storage is
// not partitioned under another site, so that a restore at the top level
// writes to the same place.
func (p *Page) firstPartyOrigins(ctx context.Context) ([]string, error) {
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return nil, err
	}
	var origins []string
	seen := map[string]bool{}
	for _, f := range stateFrames(tree.FrameTree) {
		o := f.SecurityOrigin
		if seen[o] || !webOrigin(o) {
			continue
		}
		if f.ParentID == "" || firstParty(ctx, f) {
			seen[o] = true
			origins = append(origins, o)
		}
	}
	return origins, nil
}

// webOrigin reports whether o is an http or https origin, which has storage
// a restore can reach; opaque origins print as "null".
func webOrigin(o string) bool {
	return strings.HasPrefix(o, "http://") || strings.HasPrefix(o, "https://")
}

// firstParty reports whether a frame's storage is its origin's own, not
// partitioned under the top-level site; the main frame's always is.
func firstParty(ctx context.Context, f *cdp.Frame) bool {
	key, err := chromedp.Call(ctx, storage.GetStorageKey, storage.GetStorageKeyParams{FrameID: f.ID})
	return err == nil && string(key.StorageKey) == f.SecurityOrigin+"/"
}

func stateFrames(t *page.FrameTree) []*cdp.Frame {
	if t == nil {
		return nil
	}
	out := []*cdp.Frame{t.Frame}
	for _, c := range t.ChildFrames {
		out = append(out, stateFrames(c)...)
	}
	return out
}

func readSavedStorage(ctx context.Context, origin string) (*Storage, error) {
	var local, session map[string]string
	var localErr, sessionErr error
	var wg sync.WaitGroup
	wg.Go(func() { local, localErr = readItems(ctx, savedStorageID(origin, true)) })
	session, sessionErr = readItems(ctx, savedStorageID(origin, false))
	wg.Wait()
	return &Storage{Local: local, Session: session}, errors.Join(localErr, sessionErr)
}

func readItems(ctx context.Context, id *domstorage.StorageID) (map[string]string, error) {
	res, err := chromedp.Call(ctx, domstorage.GetDOMStorageItems, domstorage.GetDOMStorageItemsParams{StorageID: id})
	if err != nil {
		return nil, err
	}
	return itemMap(res.Entries), nil
}

// itemMap turns DOMStorage's [key, value] pairs into a map.
func itemMap(entries []domstorage.Item) map[string]string {
	items := make(map[string]string, len(entries))
	for _, e := range entries {
		if len(e) == 2 {
			items[e[0]] = e[1]
		}
	}
	return items
}

func savedStorageID(origin string, local bool) *domstorage.StorageID {
	return &domstorage.StorageID{StorageKey: domstorage.SerializedStorageKey(origin + "/"), IsLocalStorage: local}
}

// savedCookieParams turns the jar as Chromium reports it into what setCookies
// takes back. A host-only cookie (no leading dot) is set by URL, so that it
// stays host-only.
func savedCookieParams(cookies []*network.Cookie) []*network.CookieParam {
	out := make([]*network.CookieParam, 0, len(cookies))
	for _, c := range cookies {
		p := &network.CookieParam{
			Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure, HTTPOnly: c.HTTPOnly,
			SameSite: c.SameSite, Priority: c.Priority, SourceScheme: c.SourceScheme, SourcePort: c.SourcePort,
			PartitionKey: c.PartitionKey,
		}
		if !c.Session {
			p.Expires = cdp.TimeSinceEpoch(c.Expires)
		}
		if strings.HasPrefix(c.Domain, ".") {
			p.Domain = c.Domain
		} else {
			p.URL = savedCookieScheme(c) + "://" + c.Domain + c.Path
		}
		out = append(out, p)
	}
	return out
}

func savedCookieScheme(c *network.Cookie) string {
	if c.Secure || c.SourceScheme == network.CookieSourceSchemeSecure {
		return "https"
	}
	return "http"
}
