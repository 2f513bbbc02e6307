package api

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/internal/testutil"
)

// BenchmarkThroughput measures requests per second with 20 live stealth
// sessions, one client each, all at once (goto + text + evaluate on a
// localhost page, through HTTP), against the same three steps by raw
// chromedp on 20 browsers of one tab each; b.N requests per session or
// tab. The two phases run one after the other, BrowserQL first; all 40
// browsers stay up throughout, the idle half costing little.
//
//	go test ./api -run '^$' -bench Throughput -benchtime 20x
func BenchmarkThroughput(b *testing.B) {
	const n = 20
	pages := testutil.ServePages(b)
	srv := newServer(b, func(c *sessionsConfig, _ *Config) { c.MaxBrowsers = n; c.Queue = 2 * n })
	url := pages.URL + "/docs/"
	query, _ := json.Marshal(map[string]string{"query": `mutation { goto(url: "` + url + `") { status } text { text } evaluate(content: "return document.title;") { value } }`})
	client := loadClient()
	defer client.CloseIdleConnections()
	var errs atomic.Int64
	bql := func(s sessionJSON) {
		st, raw := sendJSON(client, "POST", s.BrowserQL, json.RawMessage(query))
		var res bqlResult
		if st != http.StatusOK || json.Unmarshal(raw, &res) != nil || len(res.Errors) > 0 {
			errs.Add(1)
		}
	}
	var sessions []sessionJSON
	for range n {
		s := srv.create(b, map[string]any{"stealth": true, "ttl": 600000})
		bql(s) // warm: browser running, page cached
		sessions = append(sessions, s)
	}
	var tabs []context.Context
	for range n {
		tabs = append(tabs, rawChromedp(b))
	}
	raw := func(ctx context.Context) {
		err := chromedp.Do(ctx, chromedp.Navigate(url))
		if err == nil {
			_, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		}
		if err == nil {
			_, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.title`))
		}
		if err != nil {
			errs.Add(1)
		}
	}
	for _, ctx := range tabs {
		raw(ctx)
	}
	if errs.Load() > 0 {
		b.Fatalf("%d warm-up requests failed", errs.Load())
	}
	// each runs one phase: every worker sends b.N requests.
	each := func(work func(i int)) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				for range b.N {
					work(i)
				}
			})
		}
		wg.Wait()
		return time.Since(start)
	}
	b.ResetTimer()
	bqlTime := each(func(i int) { bql(sessions[i]) })
	bqlErrs := errs.Swap(0)
	rawTime := each(func(i int) { raw(tabs[i]) })
	b.StopTimer()
	reqs := float64(n * b.N)
	b.ReportMetric(reqs/bqlTime.Seconds(), "bql-req/s")
	b.ReportMetric(reqs/rawTime.Seconds(), "chromedp-req/s")
	b.ReportMetric(rawTime.Seconds()/bqlTime.Seconds(), "throughput-ratio")
	b.ReportMetric(float64(bqlErrs), "bql-errors")
	b.ReportMetric(float64(errs.Load()), "chromedp-errors")
}

// BenchmarkColdRequest measures a cold start as a client sees it: create
// a stealth session and send its first BrowserQL request (goto + click +
// evaluate on a localhost page, which launches the browser), against a raw
// chromedp launch on a fresh profile and the same three steps. Stopping
// either is not counted; the two alternate.
//
//	go test ./api -run '^$' -bench ColdRequest -benchtime 10x
func BenchmarkColdRequest(b *testing.B) {
	pages := testutil.ServePages(b)
	srv := newServer(b)
	docs := pages.URL + "/docs/"
	query := coreQuery(docs)
	var coldTime, rawTime time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		s := srv.create(b, map[string]any{"stealth": true, "ttl": 600000})
		if r := do(b, "POST", s.BrowserQL, map[string]any{"query": query}); r.Status != http.StatusOK || len(decodeAs[bqlResult](b, r).Errors) > 0 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
		coldTime += time.Since(start)
		b.StopTimer()
		do(b, "DELETE", s.Stop, nil)
		b.StartTimer()
		start = time.Now()
		ctx, stop := rawLaunch(b)
		err := chromedp.Do(ctx, chromedp.Navigate(docs), chromedp.Click(chromedp.CSS("div.toggle_vylO.colorModeToggle_x44X > button")))
		if err == nil {
			_, err = chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem('theme')`))
		}
		rawTime += time.Since(start)
		b.StopTimer()
		stop()
		b.StartTimer()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(coldTime.Microseconds())/1000/float64(b.N), "cold-ms/op")
	b.ReportMetric(float64(rawTime.Microseconds())/1000/float64(b.N), "raw-ms/op")
	b.ReportMetric(float64(coldTime)/float64(rawTime), "ratio")
}

// rawLaunch starts a plain chromedp browser with the server's launch flags
// on a fresh profile; the browser starts with the first action on ctx. The
// flags that change how much work Chromium does at start (its features, its
// calls home) are the engine's, so that the ratio measures what the server
// adds, not a lighter browser.
func rawLaunch(b *testing.B) (context.Context, func()) {
	dir := testutil.DataDir(b)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(testutil.ChromePath(b)), chromedp.NoSandbox, chromedp.WindowSize(1920, 1080),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("enable-features", "NetworkServiceInProcess2"),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints,DialMediaRouteProvider,RenderDocument,BackForwardCache,NetworkTimeServiceQuerying,SpareRendererForSitePerProcess,WebUIOmniboxPopup,WebUIOmniboxAimPopup"),
		chromedp.Flag("component-updater", "url-source=http://127.0.0.1:9/"), chromedp.Flag("gaia-url", "http://127.0.0.1:9/"),
		chromedp.UserDataDir(dir+"/profile"), chromedp.Env("TMPDIR="+dir))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	return ctx, func() {
		cancel()
		cancelAlloc()
		testutil.NoProcessesLeft(b, dir)
	}
}
