package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// BenchmarkRecording measures what recording costs a BrowserQL request:
// the CoreRequest request (goto + click + evaluate on the docs page) on a
// warm stealth session with "record": true against the same on one
// without, alternating which goes first.
//
//	go test ./api -run '^$' -bench Recording -benchtime 40x
func BenchmarkRecording(b *testing.B) {
	pages := testutil.ServePages(b)
	srv := newServer(b, func(c *sessionsConfig, _ *Config) { c.RecordingMaxBytes = 1 << 30 })
	recorded := srv.create(b, map[string]any{"stealth": true, "ttl": 600000, "record": true})
	plain := srv.create(b, map[string]any{"stealth": true, "ttl": 600000})
	query := coreQuery(pages.URL + "/docs/")
	once := func(s sessionJSON) time.Duration {
		start := time.Now()
		if r := do(b, "POST", s.BrowserQL, map[string]any{"query": query}); r.Status != http.StatusOK || len(decodeAs[bqlResult](b, r).Errors) > 0 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
		return time.Since(start)
	}
	once(recorded)
	once(plain)
	var with, without time.Duration
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			with += once(recorded)
			without += once(plain)
		} else {
			without += once(plain)
			with += once(recorded)
		}
	}
	b.StopTimer()
	r := do(b, "GET", srv.URL+"/sessions/"+recorded.ID+"/recording?limit=1", nil)
	if r.Status != http.StatusOK {
		b.Fatalf("recording: %d", r.Status)
	}
	b.ReportMetric(float64(with.Microseconds())/1000/float64(b.N), "record-ms/op")
	b.ReportMetric(float64(without.Microseconds())/1000/float64(b.N), "plain-ms/op")
	b.ReportMetric(float64(with)/float64(without), "ratio")
}
