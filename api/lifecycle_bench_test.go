package api

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

// BenchmarkCreate measures POST /session over loopback HTTP, one request
// at a time as a client waits for each, and reports the median and the
// 99th percentile. Each create writes the session to the store, synced to
// disk, before it answers.
//
//	go test ./api -run '^$' -bench Create -benchtime 2000x
func BenchmarkCreate(b *testing.B) {
	srv := newServer(b, func(c *sessionsConfig, _ *Config) { c.MaxSessions = 1 << 30 })
	client := loadClient()
	defer client.CloseIdleConnections()
	body := map[string]any{"ttl": 600000, "stealth": true, "userMetadata": map[string]any{"user": "bench"}}
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		st, raw := sendJSON(client, "POST", srv.URL+"/session", body)
		took = append(took, time.Since(start))
		if st != http.StatusCreated {
			b.Fatalf("%d %s", st, raw)
		}
	}
	slices.Sort(took)
	ms := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}
