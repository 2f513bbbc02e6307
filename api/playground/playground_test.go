package playground

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// newServer returns a test server that serves the page at /sessions/x/bql with
// the given endpoint, and the assets. A POST to /sessions/x/bql goes to
// graphql, when it is not nil.
func newServer(t *testing.T, endpoint string, graphql http.HandlerFunc) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sessions/x/bql", func(w http.ResponseWriter, r *http.Request) {
		Page(w, endpoint)
	})
	if graphql != nil {
		mux.HandleFunc("POST /sessions/x/bql", graphql)
	}
	mux.Handle(AssetsPath, Assets())
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// jsString returns the JavaScript string literal that follows the regular
// expression prefix in the page.
func jsString(t *testing.T, page, prefix string) string {
	t.Helper()
	m := regexp.MustCompile(prefix + `("(?:[^"\\]|\\.)*")`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no string after %s in the page:\n%s", prefix, page)
	}
	var s string
	if err := json.Unmarshal([]byte(m[1]), &s); err != nil {
		t.Fatalf("%s is not a string literal: %v", m[1], err)
	}
	return s
}

func TestPage(t *testing.T) {
	const endpoint = `/sessions/x/bql?token=a&b="c"</script><script>alert(1)</script>`
	ts := newServer(t, endpoint, nil)

	resp, body := get(t, ts.URL+"/sessions/x/bql")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.Contains(body, "<title>sessionql BrowserQL</title>") {
		t.Error("the page has no title")
	}
	if strings.Contains(body, endpoint) || strings.Contains(body, `a&b`) || strings.Contains(body, `alert(1)</script>`) {
		t.Error("the page holds the endpoint unescaped")
	}
	if got := jsString(t, body, `createFetcher\(\{url: `); got != endpoint {
		t.Errorf("the endpoint is %q, want %q", got, endpoint)
	}
	if got := jsString(t, body, `defaultQuery: `); got != defaultQuery {
		t.Errorf("the default query is %q, want %q", got, defaultQuery)
	}

	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(refs) != 7 {
		t.Errorf("the page references %d URLs, want 7", len(refs))
	}
	for _, ref := range refs {
		url := ref[1]
		if url == "data:," { // The empty icon.
			continue
		}
		if !strings.HasPrefix(url, AssetsPath) {
			t.Errorf("the asset %s is not under %s", url, AssetsPath)
			continue
		}
		resp, body := get(t, ts.URL+url)
		if resp.StatusCode != http.StatusOK || len(body) < 1000 {
			t.Errorf("%s: status %d, %d bytes", url, resp.StatusCode, len(body))
		}
		want := "text/javascript; charset=utf-8"
		if strings.Contains(url, ".css") {
			want = "text/css; charset=utf-8"
		}
		if ct := resp.Header.Get("Content-Type"); ct != want {
			t.Errorf("%s: Content-Type %q, want %q", url, ct, want)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q", url, cc)
		}
	}

	for _, p := range []string{"", "missing.js", "README.md", "LICENSES.md"} {
		if resp, _ := get(t, ts.URL+AssetsPath+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s%s: status %d, want 404", AssetsPath, p, resp.StatusCode)
		}
	}
}

// TestBrowser loads the page in Chromium, runs the default query and checks
// that the query reaches the endpoint and that its result shows.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	var chromium string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		t.Skip("no Chromium")
	}

	var mu sync.Mutex
	var queries []string
	graphql := func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Query string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.URL.Query().Get("token") != "t" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		queries = append(queries, req.Query)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data":{"echo":"pong"}}`)
	}
	ts := newServer(t, "/sessions/x/bql?token=t", graphql)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Env("TMPDIR="+t.TempDir()),
	)
	// The cancel funcs run in the reverse order. The last one waits until the
	// browser has exited, before t.TempDir removes the directories.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)

	// Log the console of the page, and count its errors. The loop ends when
	// cancelBrowser closes the tab, and wg.Wait waits for it.
	console := chromedp.Console(ctx)
	var errs int
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancelBrowser()
	wg.Go(func() {
		for m, err := range console {
			if err != nil {
				return
			}
			t.Logf("console: %s %s", m, m.URL)
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				errs++
				mu.Unlock()
			}
		}
	})

	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/sessions/x/bql?token=t"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")),
	); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil || title != "sessionql BrowserQL" {
		t.Errorf("title %q, %v", title, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".graphiql-execute-button"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelector(".graphiql-response")?.innerText.includes("pong")`,
		chromedp.WithPollingTimeout(20*time.Second),
	)); err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("no result: %v\n%s", err, text)
	}

	mu.Lock()
	defer mu.Unlock()
	if errs > 0 {
		t.Errorf("the page logged %d errors", errs)
	}
	for _, q := range queries {
		if strings.Contains(q, `goto(url: "https://example.com")`) {
			return
		}
	}
	t.Errorf("no request with the default query; the requests were %q", queries)
}
