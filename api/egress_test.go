package api

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestBlockPrivateNetworks runs a server with BLOCK_PRIVATE_NETWORKS: a
// session cannot load a page of the loopback server, and a CDP client cannot
// give a context a proxy of its own to go around the check.
func TestBlockPrivateNetworks(t *testing.T) {
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.BlockPrivateNetworks = true })
	pages := testutil.ServePages(t)
	s := srv.create(t, map[string]any{"stealth": true})
	_, res := bql(t, s.BrowserQL, `mutation($url: String!) { goto(url: $url) { status } text(selector: "body") { text } }`, map[string]any{"url": pages.URL + "/local.html"})
	if !strings.Contains(string(res.Data["goto"]), "403") || !strings.Contains(string(res.Data["text"]), "BLOCK_PRIVATE_NETWORKS") {
		t.Errorf("goto a loopback page: %s %s %+v; want 403 and a text naming BLOCK_PRIVATE_NETWORKS", res.Data["goto"], res.Data["text"], res.Errors)
	}
	c := cdpDial(t, s.Connect, nil)
	wantRefused(t, "a context with its own proxy", c.callRaw("", "Target.createBrowserContext", map[string]any{"proxyServer": "direct://"}))
}

// TestBlockAds creates a session with blockAds: a page whose ad comes from a
// host on the filter lists runs without it, for BrowserQL and for a CDP
// client alike, and a client cannot give a context a proxy around the
// filter. A session without blockAds gets the ad.
func TestBlockAds(t *testing.T) {
	list := filepath.Join(testutil.Testdata(), "adblock", "test-list.txt")
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.AdLists = []string{list} })
	pages := testutil.ServePages(t)
	query := `mutation($url: String!) { goto(url: $url) { status } title { title } }`
	for block, want := range map[bool]string{true: "no ad", false: "ad loaded"} {
		s := srv.create(t, map[string]any{"blockAds": block, "stealth": true})
		status, res := bql(t, s.BrowserQL, query, map[string]any{"url": pages.URL + "/ads.html"})
		if status != 200 || !strings.Contains(string(res.Data["title"]), want) {
			t.Errorf("BrowserQL, blockAds %v: %d %+v; want the title %q", block, status, res, want)
		}
		c := cdpDial(t, s.Connect, nil)
		if got := string(c.eval(c.open(pages.URL+"/ads.html"), "document.title")); got != `"`+want+`"` {
			t.Errorf("CDP, blockAds %v: the title is %s; want %q", block, got, want)
		}
		if block {
			wantRefused(t, "a context with its own proxy", c.callRaw("", "Target.createBrowserContext", map[string]any{"proxyServer": "direct://"}))
		}
	}
}

// TestSessionProxyCredentials creates a session whose proxy asks for a
// password: the session's username and password reach it.
func TestSessionProxyCredentials(t *testing.T) {
	srv := newServer(t)
	pages := testutil.ServePages(t)
	fp := &testutil.ForwardProxy{To: strings.TrimPrefix(pages.URL, "http://")}
	proxy := httptest.NewServer(fp)
	defer proxy.Close()
	s := srv.create(t, map[string]any{"stealth": true, "proxy": map[string]any{"server": proxy.URL, "username": testutil.ProxyUser, "password": testutil.ProxyPassword}})
	_, res := bql(t, s.BrowserQL, `mutation { goto(url: "http://pages.sessionql.test/compat.html") { status } }`, nil)
	if !strings.Contains(string(res.Data["goto"]), "200") || !strings.Contains(fp.Seen(), "/compat.html") {
		t.Errorf("goto through the session's proxy: %s %+v, the proxy saw %q; want 200 through it", res.Data["goto"], res.Errors, fp.Seen())
	}
}
