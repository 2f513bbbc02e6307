package api

import (
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
