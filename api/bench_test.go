package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/internal/testutil/rawchrome"
)

// BenchmarkCoreRequest measures, in one run, a warm stealth session's
// BrowserQL request (goto + click + evaluate on a localhost page, through
// HTTP) against the same three steps done with raw chromedp on a warm tab.
// The two alternate, so machine noise hits both alike. The server runs in
// the test process, which makes this the one to profile; the target's
// benchmark, with the server as a process of its own, is cmd/sessionql's
// BenchmarkWarmRequest.
//
//	go test ./api -run '^$' -bench CoreRequest -benchtime 200x
func BenchmarkCoreRequest(b *testing.B) {
	pages := testutil.ServePages(b)
	srv := newServer(b)
	s := srv.create(b, map[string]any{"stealth": true, "ttl": 600000})
	docs := pages.URL + "/docs/"
	query := coreQuery(docs)
	bqlOnce := func() {
		if r := do(b, "POST", s.BrowserQL, map[string]any{"query": query}); r.Status != http.StatusOK || len(decodeAs[bqlResult](b, r).Errors) > 0 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
	}
	ctx := rawChromedp(b)
	rawOnce := func() {
		if err := rawchrome.Core(ctx, docs); err != nil {
			b.Fatal(err)
		}
	}
	bqlOnce() // warm both: browser running, page cached, query parsed
	rawOnce()
	rawchrome.Alternate(b, bqlOnce, rawOnce)
}

// coreQuery is the benchmarks' BrowserQL request: goto the docs page,
// click its theme toggle, read the theme back.
func coreQuery(docs string) string { return rawchrome.CoreQuery(docs) }

// rawChromedp is a plain chromedp browser with the server's launch flags,
// warmed with one tab.
func rawChromedp(b *testing.B) context.Context { return rawchrome.Warm(b) }

// BenchmarkReadRequest measures a warm stealth session's read-only
// BrowserQL request (text + title of the docs page, through HTTP), which
// skips the durability checkpoint, against the same reads done with raw
// chromedp on a warm tab, alternating. In-process, as CoreRequest; see
// cmd/sessionql's BenchmarkReadRequest for the server as a process.
//
//	go test ./api -run '^$' -bench ReadRequest -benchtime 300x
func BenchmarkReadRequest(b *testing.B) {
	pages := testutil.ServePages(b)
	srv := newServer(b)
	s := srv.create(b, map[string]any{"stealth": true, "ttl": 600000})
	docs := pages.URL + "/docs/"
	if r := do(b, "POST", s.BrowserQL, map[string]any{"query": `mutation { goto(url: "` + docs + `") { status } }`}); r.Status != http.StatusOK {
		b.Fatalf("%d %s", r.Status, r.Body)
	}
	query := `mutation { text { text } title { title } }`
	bqlOnce := func() {
		if r := do(b, "POST", s.BrowserQL, map[string]any{"query": query}); r.Status != http.StatusOK || len(decodeAs[bqlResult](b, r).Errors) > 0 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
	}
	ctx := rawChromedp(b)
	if err := chromedp.Do(ctx, chromedp.Navigate(docs)); err != nil {
		b.Fatal(err)
	}
	rawOnce := func() {
		if err := rawchrome.Read(ctx); err != nil {
			b.Fatal(err)
		}
	}
	bqlOnce()
	rawOnce()
	rawchrome.Alternate(b, bqlOnce, rawOnce)
}
