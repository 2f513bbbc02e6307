package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/internal/testutil/rawchrome"
)

// BenchmarkThroughput measures requests per second with 20 live stealth
// sessions, one client each, all at once (goto + text + evaluate on a
// localhost page, through HTTP), against the same three steps by raw
// chromedp on 20 browsers of one tab each. Each iteration is a round of
// two slices, one per side, in which every session or tab sends two
// requests; the slices alternate which side goes first, so that neither
// gets the quieter half of a load that changes. All 40 browsers are warm
// and stay up throughout, the idle half costing little.
//
//	go test ./api -run '^$' -bench Throughput -benchtime 6x
func BenchmarkThroughput(b *testing.B) {
	const n, perSlice = 20, 2
	pages := testutil.ServePages(b)
	srv := newServer(b, func(c *sessionsConfig, _ *Config) { c.MaxBrowsers = n; c.Queue = 2 * n })
	url := pages.URL + "/docs/"
	query, _ := json.Marshal(map[string]string{"query": `mutation { goto(url: "` + url + `") { status } text { text } evaluate(content: "return document.title;") { value } }`})
	client := loadClient()
	defer client.CloseIdleConnections()
	var bqlErrs, rawErrs atomic.Int64
	bql := func(s sessionJSON) {
		st, raw := sendJSON(client, "POST", s.BrowserQL, json.RawMessage(query))
		var res bqlResult
		if st != http.StatusOK || json.Unmarshal(raw, &res) != nil || len(res.Errors) > 0 {
			bqlErrs.Add(1)
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
			rawErrs.Add(1)
		}
	}
	for _, ctx := range tabs {
		raw(ctx)
	}
	if bqlErrs.Load()+rawErrs.Load() > 0 {
		b.Fatalf("%d BrowserQL and %d chromedp warm-up requests failed", bqlErrs.Load(), rawErrs.Load())
	}
	// slice has every worker send perSlice requests, all at once.
	slice := func(work func(i int)) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				for range perSlice {
					work(i)
				}
			})
		}
		wg.Wait()
		return time.Since(start)
	}
	sides := []func() time.Duration{
		func() time.Duration { return slice(func(i int) { bql(sessions[i]) }) },
		func() time.Duration { return slice(func(i int) { raw(tabs[i]) }) },
	}
	var took [2]time.Duration
	var ratios []float64 // each round's
	rounds := 0
	for b.Loop() {
		var round [2]time.Duration
		first := rounds % 2 // BrowserQL first in even rounds, chromedp in odd ones
		round[first] = sides[first]()
		round[1-first] = sides[1-first]()
		took[0], took[1] = took[0]+round[0], took[1]+round[1]
		ratios = append(ratios, round[1].Seconds()/round[0].Seconds())
		rounds++
	}
	reqs := float64(n * perSlice * rounds)
	b.ReportMetric(reqs/took[0].Seconds(), "bql-req/s")
	b.ReportMetric(reqs/took[1].Seconds(), "chromedp-req/s")
	b.ReportMetric(took[1].Seconds()/took[0].Seconds(), "throughput-ratio")
	b.ReportMetric(slices.Min(ratios), "round-ratio-min")
	b.ReportMetric(slices.Max(ratios), "round-ratio-max")
	b.ReportMetric(float64(bqlErrs.Load()), "bql-errors")
	b.ReportMetric(float64(rawErrs.Load()), "chromedp-errors")
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
// on a fresh profile; the browser starts with the first action on ctx.
func rawLaunch(b *testing.B) (context.Context, func()) { return rawchrome.Launch(b) }
