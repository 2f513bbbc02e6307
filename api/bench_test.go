package api

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/internal/testutil"
)

// BenchmarkCoreRequest measures, in one run, a warm stealth session's
// BrowserQL request (goto + click + evaluate on a localhost page, through
// HTTP) against the same three steps done with raw chromedp on a warm tab.
// The two alternate, so machine noise hits both alike.
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
		err := chromedp.Do(ctx, chromedp.Navigate(docs), chromedp.Click(chromedp.CSS("div.toggle_vylO.colorModeToggle_x44X > button")))
		if err == nil {
			_, err = chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem('theme')`))
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	bqlOnce() // warm both: browser running, page cached, query parsed
	rawOnce()
	againstChromedp(b, bqlOnce, rawOnce)
}

// coreQuery is the benchmarks' BrowserQL request: goto the docs page,
// click its theme toggle, read the theme back.
func coreQuery(docs string) string {
	return `mutation { goto(url: "` + docs + `") { status } click(selector: "div.toggle_vylO.colorModeToggle_x44X > button") { x } evaluate(content: "return localStorage.getItem('theme');") { value } }`
}

// rawChromedp is a plain chromedp browser with the server's launch flags,
// warmed with one tab.
func rawChromedp(b *testing.B) context.Context {
	ctx, stop := rawLaunch(b)
	b.Cleanup(stop)
	if err := chromedp.Do(ctx); err != nil {
		b.Fatal(err)
	}
	return ctx
}

// BenchmarkReadRequest measures a warm stealth session's read-only
// BrowserQL request (text + title of the docs page, through HTTP), which
// skips the durability checkpoint, against the same reads done with raw
// chromedp on a warm tab, alternating.
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
		_, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err == nil {
			_, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.title`))
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	bqlOnce()
	rawOnce()
	againstChromedp(b, bqlOnce, rawOnce)
}

// againstChromedp runs the BrowserQL request and its chromedp baseline b.N times
// each, one after the other, and reports both means and their ratio.
func againstChromedp(b *testing.B, bqlOnce, rawOnce func()) {
	var bqlTime, rawTime time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		bqlOnce()
		bqlTime += time.Since(start)
		start = time.Now()
		rawOnce()
		rawTime += time.Since(start)
	}
	b.ReportMetric(float64(bqlTime.Microseconds())/1000/float64(b.N), "bql-ms/op")
	b.ReportMetric(float64(rawTime.Microseconds())/1000/float64(b.N), "chromedp-ms/op")
	b.ReportMetric(float64(bqlTime)/float64(rawTime), "ratio")
}
