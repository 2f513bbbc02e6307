package sessions

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// metricValue gathers the service's series and returns the value of the
// one named, failing the test if there is none.
func metricValue(t testing.TB, s *Service, name string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(s)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		m := f.GetMetric()[0]
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("no series %s", name)
	return 0
}

// TestMetricsFollowPressure checks that the scraped gauges are the
// pressure's numbers and that every lifecycle series is there.
func TestMetricsFollowPressure(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxSessions = 1
	s := open(t, cfg)
	create(t, s)
	s.Create(Options{}, 0, nil) // refused: the limit is 1
	for name, want := range map[string]float64{
		"sessionql_live_browsers": 0, "sessionql_busy_browsers": 0, "sessionql_hibernated_sessions": 1, "sessionql_sessions": 1,
		"sessionql_queue_length": 0, "sessionql_max_browsers": 2, "sessionql_max_sessions": 1, "sessionql_max_queue": 10,
		"sessionql_rejections_total": 1, "sessionql_recent_rejections": 1, "sessionql_available": 0,
		"sessionql_wake_duration_seconds": 0, "sessionql_hibernations_total": 0, "sessionql_browser_crashes_total": 0,
		"sessionql_wedged_browsers": 0, "sessionql_browsers_wedged_total": 0, "sessionql_browser_relaunches_total": 0,
		"sessionql_scripts_terminated_total": 0,
	} {
		if got := metricValue(t, s, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}
