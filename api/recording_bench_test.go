package api

import (
	"net/http"
	"testing"

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
	with, without := alternate(b, recorded, plain, coreQuery(pages.URL+"/docs/"))
	b.StopTimer()
	r := do(b, "GET", srv.URL+"/sessions/"+recorded.ID+"/recording?limit=1", nil)
	if r.Status != http.StatusOK {
		b.Fatalf("recording: %d", r.Status)
	}
	b.ReportMetric(float64(with.Microseconds())/1000/float64(b.N), "record-ms/op")
	b.ReportMetric(float64(without.Microseconds())/1000/float64(b.N), "plain-ms/op")
	b.ReportMetric(float64(with)/float64(without), "ratio")
}
