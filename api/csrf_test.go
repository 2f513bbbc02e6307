package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/sessions"
)

// TestPageOfAnotherSite opens, in a real headless Chromium, a page of
// another origin that attacks a server without a token the ways a page
// can: a no-cors POST (text/plain), a beacon, a form post, a CORS read of
// the list and a WebSocket to a session's connect URL. None creates a
// session, reads the list or starts a browser.
func TestPageOfAnotherSite(t *testing.T) {
	srv := newServer(t)
	victim := srv.create(t, map[string]any{})
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, attackPage, srv.URL, victim.Connect)
	}))
	defer evil.Close()
	ctx := userBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(evil.URL)); err != nil {
		t.Fatal(err)
	}
	out, err := chromedp.Run(ctx, chromedp.Poll[string](`window.result || null`, chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("the page did not finish: %v", err)
	}
	t.Logf("the page saw: %s", out)
	if out != "list: refused; websocket: refused" {
		t.Errorf("the page saw %q", out)
	}
	time.Sleep(500 * time.Millisecond) // the beacon and the form post may land late
	if list, _, _ := srv.svc.List(sessions.Filter{Limit: 100}); len(list) != 1 {
		t.Errorf("%d sessions after the attack; want only the victim's", len(list))
	}
	if srv.svc.Pressure().LiveBrowsers != 0 {
		t.Error("the page's WebSocket started a browser")
	}
}

// attackPage is the other site's page: %[1]s is the server, %[2]s the
// victim session's connect URL.
const attackPage = `<!doctype html><title>elsewhere</title>
<form id=f method=post action="%[1]s/session" enctype="text/plain" target=sink><input name='{"ttl": 60000, "x": "' value='"}'></form>
<iframe name=sink></iframe>
<script>
(async () => {
  await fetch('%[1]s/session', {method: 'POST', mode: 'no-cors', body: '{"ttl": 60000}'}).catch(() => {});
  navigator.sendBeacon('%[1]s/session', '{"ttl": 60000}');
  document.getElementById('f').submit();
  let list = 'read';
  try { await (await fetch('%[1]s/sessions')).json(); } catch (e) { list = 'refused'; }
  const ws = await new Promise(resolve => {
    const s = new WebSocket('%[2]s');
    s.onopen = () => resolve('opened');
    s.onerror = () => resolve('refused');
  });
  window.result = 'list: ' + list + '; websocket: ' + ws;
})();
</script>`
