package graph

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestProxyMutation routes the page's document, not its image, through a
// local forward proxy with a password, as Browserless's external-proxy
// example does, and only for the request that asked.
func TestProxyMutation(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	fp := &testutil.ForwardProxy{}
	proxy := httptest.NewServer(fp)
	t.Cleanup(proxy.Close)
	server := "http://john:1337code@" + strings.TrimPrefix(proxy.URL, "http://")
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		proxy(url: "*compat.html*", server: "`+server+`") { time }
		goto(url: "`+pages.URL+`/compat.html") { status }
		title { title }
		response(url: "*compat.html") { headers { name value } }
		badServer: proxy(server: "ftp://proxy.example") { time }
	}`)
	wantErrors(t, res, map[string]string{"badServer": "invalid_argument"})
	if got := field[struct{ Title string }](t, res, "title").Title; got != "Compat" {
		t.Errorf("title = %q", got)
	}
	if !strings.Contains(strings.ToLower(string(res.Data["response"])), `"x-proxied","value":"yes"`) {
		t.Errorf("the page's response did not come through the proxy: %s", res.Data["response"])
	}
	if got := fp.Seen(); got != "/compat.html" {
		t.Errorf("the proxy forwarded %q, want only /compat.html", got)
	}
	mutate(t, srv.URL, `mutation { goto(url: "`+pages.URL+`/compat.html") { status } }`)
	if got := fp.Seen(); got != "/compat.html" {
		t.Errorf("after the request ended the proxy forwarded %q", got)
	}
}
