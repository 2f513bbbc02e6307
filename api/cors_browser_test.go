package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// crossOriginCalls is run by a page of another origin: it creates a
// session through REST (a JSON POST, so the browser sends a preflight
// first) and runs a BrowserQL request on it, and says what it got.
const crossOriginCalls = `
try {
  const created = await fetch(api + '/session', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{"ttl": 60000, "stealth": true}'});
  const s = await created.json();
  const q = await fetch(s.browserQL, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({query: '{ __typename }'})});
  return created.status + ' ' + q.status;
} catch (e) {
  return 'blocked: ' + e.name;
}`

// TestCORSFromABrowserPage loads pages of two other origins in headless
// Chromium (a session's own browser): the page of the origin in
// CORS_ORIGINS calls REST and BrowserQL, preflights included; the other
// page's calls are blocked by the browser.
func TestCORSFromABrowserPage(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><title>app</title>"))
	})
	allowed, other := httptest.NewServer(page), httptest.NewServer(page)
	defer allowed.Close()
	defer other.Close()
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.CORSOrigins = []string{allowed.URL} })
	driver := srv.create(t, map[string]any{"stealth": true})
	for _, c := range []struct {
		page, want string
	}{{allowed.URL, "201 200"}, {other.URL, "blocked: TypeError"}} {
		st, res := bql(t, driver.BrowserQL, `mutation($url: String!, $js: String!) { goto(url: $url) { status } evaluate(content: $js) { value } }`,
			map[string]any{"url": c.page + "/", "js": "const api = " + jsString(srv.URL) + ";" + crossOriginCalls})
		var got struct{ Value string }
		json.Unmarshal(res.Data["evaluate"], &got)
		if st != 200 || got.Value != c.want {
			t.Errorf("a page of %s calling the API: %d %+v, want %q", c.page, st, res, c.want)
		}
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
