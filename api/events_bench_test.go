package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// BenchmarkEventCapture measures what network logging costs a BrowserQL
// request: the CoreRequest request (goto + click + evaluate on the docs
// page, dozens of responses) on a warm stealth session with
// "logs": {"network": true} against the same on one without, alternating.
// Both record lifecycle, bql_request and page events.
//
//	go test ./api -run '^$' -bench EventCapture -benchtime 100x
func BenchmarkEventCapture(b *testing.B) {
	pages := testutil.ServePages(b)
	srv := newServer(b)
	logged := srv.create(b, map[string]any{"stealth": true, "ttl": 600000, "logs": map[string]any{"network": true}})
	plain := srv.create(b, map[string]any{"stealth": true, "ttl": 600000})
	withNet, without := alternate(b, logged, plain, coreQuery(pages.URL+"/docs/"))
	b.StopTimer()
	_, l := srv.logs(b, logged.ID, "?type=response&limit=1000")
	b.ReportMetric(float64(len(l.Events)), "responses-kept")
	b.ReportMetric(float64(withNet.Microseconds())/1000/float64(b.N), "network-ms/op")
	b.ReportMetric(float64(without.Microseconds())/1000/float64(b.N), "plain-ms/op")
	b.ReportMetric(float64(withNet)/float64(without), "ratio")
}

// alternate runs query b.N times on each of two warm sessions, alternating
// which goes first, and returns the time each took; the timer covers the
// loop only.
func alternate(b *testing.B, x, y sessionJSON, query string) (xTime, yTime time.Duration) {
	once := func(s sessionJSON) time.Duration {
		start := time.Now()
		if r := do(b, "POST", s.BrowserQL, map[string]any{"query": query}); r.Status != http.StatusOK || len(decodeAs[bqlResult](b, r).Errors) > 0 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
		return time.Since(start)
	}
	once(x)
	once(y)
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 { // alternate which goes first
			xTime += once(x)
			yTime += once(y)
		} else {
			yTime += once(y)
			xTime += once(x)
		}
	}
	return xTime, yTime
}
