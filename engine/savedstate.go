package engine

import (
	"context"
	"strings"

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
// storage of the origins the tab has shown.
type State struct {
	Cookies []*network.CookieParam `json:"cookies"`
	Origins map[string]*Storage    `json:"origins,omitempty"`
}

// Storage is the web storage of one origin. A nil map was not read and is
// left alone on restore.
type Storage struct {
	Local   map[string]string `json:"local"`
	Session map[string]string `json:"session"`
}

// SaveState reads the browser's cookies and the localStorage and
// sessionStorage of every first-party frame in the tab. It enables no
// domain, so pages see nothing of it.
func (p *Page) SaveState(ctx context.Context) (*State, error) {
	ctx, cancel := p.step(ctx, stateTimeout)
	defer cancel()
	cookies, err := chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		return nil, err
	}
	st := &State{Cookies: savedCookieParams(cookies.Cookies), Origins: map[string]*Storage{}}
	origins, err := p.firstPartyOrigins(ctx)
	if err != nil {
		return nil, err
	}
	for _, origin := range origins {
		if st.Origins[origin], err = readSavedStorage(ctx, origin); err != nil {
			return nil, err
		}
	}
	return st, nil
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
		if seen[o] || !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
			continue
		}
		key, err := chromedp.Call(ctx, storage.GetStorageKey, storage.GetStorageKeyParams{FrameID: f.ID})
		if err == nil && string(key.StorageKey) == o+"/" {
			seen[o] = true
			origins = append(origins, o)
		}
	}
	return origins, nil
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
	s := &Storage{}
	for _, local := range []bool{true, false} {
		res, err := chromedp.Call(ctx, domstorage.GetDOMStorageItems, domstorage.GetDOMStorageItemsParams{StorageID: savedStorageID(origin, local)})
		if err != nil {
			return nil, err
		}
		items := make(map[string]string, len(res.Entries))
		for _, e := range res.Entries {
			if len(e) == 2 {
				items[e[0]] = e[1]
			}
		}
		if local {
			s.Local = items
		} else {
			s.Session = items
		}
	}
	return s, nil
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
