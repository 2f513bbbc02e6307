package api

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// BenchmarkStealthVsPlain measures, in one run, the Core request (goto +
// click + evaluate on a localhost page, over HTTP) on a warm stealth session
// against the same request on a warm plain session with the same window.
// Both go through the BrowserQL handler without the stealth gate, which
// would refuse the plain one; they alternate, so machine noise hits both
// alike, and the medians are reported.
//
//	go test ./api -run '^$' -bench StealthVsPlain -benchtime 200x
func BenchmarkStealthVsPlain(b *testing.B) {
	pages := testutil.ServePages(b)
	srv := newServer(b)
	ungated := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		srv.bql.ServeSession(w, r, srv.svc, id)
	}))
	b.Cleanup(ungated.Close)
	window := map[string]any{"width": 1920, "height": 1080}
	stealth := srv.create(b, map[string]any{"stealth": true, "ttl": 600000, "viewport": window})
	plain := srv.create(b, map[string]any{"ttl": 600000, "viewport": window})
	query := `mutation { goto(url: "` + pages.URL + `/docs/") { status } click(selector: "div.toggle_vylO.colorModeToggle_x44X > button") { x } evaluate(content: "return localStorage.getItem('theme');") { value } }`
	once := func(id string) time.Duration {
		start := time.Now()
		if r := do(b, "POST", ungated.URL+"?id="+id, map[string]any{"query": query}); r.Status != http.StatusOK || len(decodeAs[bqlResult](b, r).Errors) > 0 {
			b.Fatalf("%d %s", r.Status, r.Body)
		}
		return time.Since(start)
	}
	once(stealth.ID) // warm both: browsers running, pages cached, query parsed
	once(plain.ID)
	var stealthTimes, plainTimes []time.Duration
	b.ResetTimer()
	for range b.N {
		stealthTimes = append(stealthTimes, once(stealth.ID))
		plainTimes = append(plainTimes, once(plain.ID))
	}
	s, p := medianOf(stealthTimes), medianOf(plainTimes)
	b.ReportMetric(float64(s.Microseconds())/1000, "stealth-ms/op")
	b.ReportMetric(float64(p.Microseconds())/1000, "plain-ms/op")
	b.ReportMetric(float64(s)/float64(p), "ratio")
}

// medianOf is robust to the bursts of a busy machine, where a mean is not.
func medianOf(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}
