package graph

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// forwardProxy is a plain HTTP forward proxy that asks for a password and
// remembers the paths it forwarded.
type forwardProxy struct {
	mu    sync.Mutex
	paths []string
}

func (p *forwardProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Proxy-Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte("john:1337code")) {
		w.Header().Set("Proxy-Authenticate", `Basic realm="test"`)
		w.WriteHeader(http.StatusProxyAuthRequired)
		return
	}
	if !r.URL.IsAbs() {
		http.Error(w, "not a proxy request", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.paths = append(p.paths, r.URL.Path)
	p.mu.Unlock()
	out, _ := http.NewRequest(r.Method, r.URL.String(), r.Body)
	out.Header = r.Header.Clone()
	out.Header.Del("Proxy-Authorization")
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Proxied", "yes")
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func (p *forwardProxy) seen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.paths, " ")
}

// TestProxyMutation routes the page's document, not its image, through a
// local forward proxy with a password, as Browserless's external-proxy
// example does, and only for the request that asked.
func TestProxyMutation(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	fp := &forwardProxy{}
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
	if got := fp.seen(); got != "/compat.html" {
		t.Errorf("the proxy forwarded %q, want only /compat.html", got)
	}
	mutate(t, srv.URL, `mutation { goto(url: "`+pages.URL+`/compat.html") { status } }`)
	if got := fp.seen(); got != "/compat.html" {
		t.Errorf("after the request ended the proxy forwarded %q", got)
	}
}
