package engine

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// testAdList is a filter list of the tests: "localhost" stands for an ad host.
func testAdList() string { return filepath.Join(testutil.Testdata(), "adblock", "test-list.txt") }

func TestAdHosts(t *testing.T) {
	a, err := readAdLists([]string{testAdList()})
	if err != nil {
		t.Fatal(err)
	}
	for host, blocked := range map[string]bool{
		"localhost": true, "LOCALHOST.": true, "tracker.example": true, "a.tracker.example": true,
		"ok.tracker.example": false, "popups.example": false, "scripts.example": true, "x.ok.tracker.example": false, "example.com": false, "127.0.0.1": false,
	} {
		if got := a.blocks(host); got != blocked {
			t.Errorf("blocks(%q) = %v, want %v", host, got, blocked)
		}
	}
	if _, err := readAdLists([]string{"/nope/list.txt"}); err == nil || !strings.Contains(err.Error(), "BLOCK_ADS_LISTS") {
		t.Errorf("a missing list: %v; want an error naming BLOCK_ADS_LISTS", err)
	}
}

// TestDefaultAdLists reads EasyList and EasyPrivacy as scripts/setup.sh
// installs them: well-known ad and tracker hosts are blocked, ordinary
// sites are not.
func TestDefaultAdLists(t *testing.T) {
	a, err := readAdLists(DefaultAdLists)
	if err != nil {
		t.Fatal(err)
	}
	for host, blocked := range map[string]bool{
		"ad.doubleclick.net": true, "www.google-analytics.com": true, "sb.scorecardresearch.com": true,
		"example.com": false, "en.wikipedia.org": false, "github.com": false,
	} {
		if got := a.blocks(host); got != blocked {
			t.Errorf("blocks(%q) = %v, want %v", host, got, blocked)
		}
	}
	if len(a.blocked) < 10000 {
		t.Errorf("%d host rules; want the whole lists", len(a.blocked))
	}
}

// TestAdListsAreReadAgainWhenChanged edits a list on disk: the next load
// sees the change without a restart.
func TestAdListsAreReadAgainWhenChanged(t *testing.T) {
	list := filepath.Join(t.TempDir(), "list.txt")
	os.WriteFile(list, []byte("||one.example^\n"), 0o644)
	a, err := loadAdLists([]string{list})
	if err != nil || !a.blocks("one.example") {
		t.Fatalf("%v; want one.example blocked", err)
	}
	os.WriteFile(list, []byte("||two.example^\n"), 0o644)
	os.Chtimes(list, time.Now().Add(time.Minute), time.Now().Add(time.Minute))
	a, err = loadAdLists([]string{list})
	if err != nil || a.blocks("one.example") || !a.blocks("two.example") {
		t.Errorf("%v; want the edited list", err)
	}
}

// TestBlockAds loads a page whose ad script comes from a listed host: with
// blockAds the script never reaches the server and the page runs without
// it; without, it loads.
func TestBlockAds(t *testing.T) {
	var adRequests int
	pages := testutil.ServePages(t)
	counted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ad.js" {
			adRequests++
		}
		http.Redirect(w, r, pages.URL+r.URL.Path, http.StatusFound)
	}))
	defer counted.Close()
	ctx := context.Background()
	for _, block := range []bool{true, false} {
		adRequests = 0
		_, p := launchOwn(t, LaunchOptions{BlockAds: block, AdLists: append(DefaultAdLists[:len(DefaultAdLists):len(DefaultAdLists)], testAdList())})
		if _, err := p.Goto(ctx, counted.URL+"/ads.html", Load, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		title, err := p.Evaluate(ctx, "document.title", 5*time.Second)
		want := map[bool]string{true: "no ad", false: "ad loaded"}[block]
		if err != nil || *title != want {
			t.Errorf("blockAds %v: the page says %v (%v); want %s", block, deref(title), err, want)
		}
		if block && adRequests != 0 {
			t.Errorf("blockAds: the ad host got %d requests", adRequests)
		}
	}
}

// TestSessionProxyCredentials gives a session a proxy that asks for a
// password: the browser's requests, plain and tunnelled, reach it with the
// session's username and password.
func TestSessionProxyCredentials(t *testing.T) {
	pages := testutil.ServePages(t)
	fp := &testutil.ForwardProxy{To: strings.TrimPrefix(pages.URL, "http://")}
	proxy := httptest.NewServer(fp)
	defer proxy.Close()
	_, p := launchOwn(t, LaunchOptions{Proxy: proxy.URL, ProxyUsername: testutil.ProxyUser, ProxyPassword: testutil.ProxyPassword})
	ctx := context.Background()
	res, err := p.Goto(ctx, "http://pages.sessionql.test/compat.html", Load, 10*time.Second)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("%+v, %v; want the page through the proxy", res, err)
	}
	p.Goto(ctx, "https://pages.sessionql.test/", Load, 10*time.Second) // the test server speaks no TLS: only the tunnel matters
	if got := fp.Seen(); !strings.Contains(got, "/compat.html") || !strings.Contains(got, "CONNECT pages.sessionql.test:443") {
		t.Errorf("the proxy forwarded %q; want the page and the tunnel", got)
	}
	if got := fp.Seen(); strings.Contains(got, "/time/1/current") {
		t.Errorf("the browser asked Google for the time through the session's proxy: %q", got)
	}
}
