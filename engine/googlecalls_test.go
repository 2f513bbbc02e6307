package engine

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestNoGoogleCallsAtStart starts a stealth browser (and so the short-lived
// one that learns the user agent) with a proxy that records every host
// asked of it, navigates once to a local page, which the proxy does not
// see, and closes the browser: Chromium's own calls home would have gone
// through the proxy. A call made later than the browser's life is not seen,
// so the test can miss a late one but never fails for load alone.
func TestNoGoogleCallsAtStart(t *testing.T) {
	var mu sync.Mutex
	var hosts []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts = append(hosts, r.Method+" "+r.Host)
		mu.Unlock()
		http.Error(w, "no network here", http.StatusBadGateway)
	}))
	defer proxy.Close()
	pages := testutil.ServePages(t)
	b, p := launchOwn(t, LaunchOptions{Proxy: proxy.URL, Stealth: true})
	if _, err := p.Goto(context.Background(), pages.URL+"/docs/", Load, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	p.Close()
	b.Close()
	mu.Lock()
	defer mu.Unlock()
	for _, h := range hosts {
		if strings.Contains(h, "google") || strings.Contains(h, "gvt1.com") {
			t.Errorf("the browser called %s through the proxy; all it asked: %q", h, hosts)
			break
		}
	}
}
