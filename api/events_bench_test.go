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
// "logs": {"network": true}, and one with "logs": {"pageErrors": true}
// (the Runtime domain on), against the same on one without, in turns.
// All record lifecycle, bql_request, page and console events.
//
//	go test ./api -run '^$' -bench EventCapture -benchtime 100x
func BenchmarkEventCapture(b *testing.B) {
	pages := testutil.ServePages(b)
	srv := newServer(b)
	logged := srv.create(b, map[string]any{"stealth": true, "ttl": 600000, "logs": map[string]any{"network": true}})
	errs := srv.create(b, map[string]any{"stealth": true, "ttl": 600000, "logs": map[string]any{"pageErrors": true}})
	plain := srv.create(b, map[string]any{"stealth": true, "ttl": 600000})
	took := rotate(b, coreQuery(pages.URL+"/docs/"), plain, logged, errs)
	without, withNet, withErrs := took[0], took[1], took[2]
	b.StopTimer()
	_, l := srv.logs(b, logged.ID, "?type=response&limit=1000")
	b.ReportMetric(float64(len(l.Events)), "responses-kept")
	b.ReportMetric(float64(withNet.Microseconds())/1000/float64(b.N), "network-ms/op")
	b.ReportMetric(float64(without.Microseconds())/1000/float64(b.N), "plain-ms/op")
	b.ReportMetric(float64(withErrs.Microseconds())/1000/float64(b.N), "page-errors-ms/op")
	b.ReportMetric(float64(withNet)/float64(without), "ratio")
	b.ReportMetric(float64(withErrs)/float64(without), "page-errors-ratio")
}

// alternate runs query b.N times on each of two warm sessions, alternating
// which goes first, and returns the time each took; the timer covers the
// loop only.
func alternate(b *testing.B, x, y sessionJSON, query string) (xTime, yTime time.Duration) {
	took := rotate(b, query, x, y)
	return took[0], took[1]
}

// rotate runs query b.N times on each warm session, each going first in
// turn, and returns the time each took; the timer covers the loop only.
func rotate(b *testing.B, query string, sessions ...sessionJSON) []time.Duration {
	once := func(s sessionJSON) time.Duration {
		start := time.Now()
		if r := do(b, "POST", s.BrowserQL, map[string]any{"query": query}); r.Status != http.StatusOK || len(decodeAs[bqlResult](b, r).Errors) > 0 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
		return time.Since(start)
	}
	for _, s := range sessions {
		once(s)
	}
	took := make([]time.Duration, len(sessions))
	b.ResetTimer()
	for i := range b.N {
		for j := range sessions {
			k := (i + j) % len(sessions)
			took[k] += once(sessions[k])
		}
	}
	return took
}
