package sessions

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the lifecycle's own Prometheus series: counters and a
// histogram that the Service updates, and gauges read from Pressure when
// scraped. The Service is the collector; the transport registers it.
type metrics struct {
	wakes        prometheus.Histogram
	hibernations prometheus.Counter
	crashes      prometheus.Counter

	// Counters that /pressure reports too.
	wedged     atomic.Int64 // browsers killed for not answering; see health.go
	relaunched atomic.Int64 // browsers started again after one was killed or crashed
	terminated atomic.Int64 // scripts stopped after their step's deadline
}

func newMetrics() *metrics {
	return &metrics{
		wakes: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sessionql_wake_duration_seconds", Help: "Time to start a session's browser from its profile and restore its state.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 10),
		}),
		hibernations: prometheus.NewCounter(prometheus.CounterOpts{Name: "sessionql_hibernations_total", Help: "Browsers closed to hibernate their session, when idle, to make room, or at shutdown."}),
		crashes:      prometheus.NewCounter(prometheus.CounterOpts{Name: "sessionql_browser_crashes_total", Help: "Browsers that exited by themselves; the next use relaunches them."}),
	}
}

func (m *metrics) wake(d time.Duration) { m.wakes.Observe(d.Seconds()) }

var pressureDescs = struct {
	live, busy, wedged, wedgedTotal, relaunched, terminated, hibernated, sessions, queued, maxBrowsers, maxSessions, maxQueue, rejected, recent, available *prometheus.Desc
	nodesAlive, nodeLive                                                                                                                                   *prometheus.Desc
}{
	live:        prometheus.NewDesc("sessionql_live_browsers", "Browser processes running now.", nil, nil),
	busy:        prometheus.NewDesc("sessionql_busy_browsers", "Live browsers with a running request or a CDP client.", nil, nil),
	wedged:      prometheus.NewDesc("sessionql_wedged_browsers", "Live browsers known not to answer, about to be killed.", nil, nil),
	wedgedTotal: prometheus.NewDesc("sessionql_browsers_wedged_total", "Browsers killed because they did not answer a health ping, or a stuck tab could not be freed.", nil, nil),
	relaunched:  prometheus.NewDesc("sessionql_browser_relaunches_total", "Browsers started again from their session's saved state after one was killed or crashed.", nil, nil),
	terminated:  prometheus.NewDesc("sessionql_scripts_terminated_total", "Scripts stopped with Runtime.terminateExecution after their step's timeout.", nil, nil),
	hibernated:  prometheus.NewDesc("sessionql_hibernated_sessions", "Sessions whose browser is not running.", nil, nil),
	sessions:    prometheus.NewDesc("sessionql_sessions", "Sessions in the store.", nil, nil),
	queued:      prometheus.NewDesc("sessionql_queue_length", "Requests waiting for a browser slot.", nil, nil),
	maxBrowsers: prometheus.NewDesc("sessionql_max_browsers", "The limit on live browsers (MAX_BROWSERS).", nil, nil),
	maxSessions: prometheus.NewDesc("sessionql_max_sessions", "The limit on sessions (MAX_SESSIONS).", nil, nil),
	maxQueue:    prometheus.NewDesc("sessionql_max_queue", "The limit on waiting requests (QUEUE).", nil, nil),
	rejected:    prometheus.NewDesc("sessionql_rejections_total", "Requests refused with 429 since the server started.", nil, nil),
	recent:      prometheus.NewDesc("sessionql_recent_rejections", "Requests refused with 429 in the last minute.", nil, nil),
	available:   prometheus.NewDesc("sessionql_available", "1 while the server can take a new session and wake a hibernated one.", nil, nil),
	nodesAlive:  prometheus.NewDesc("sessionql_cluster_nodes_alive", "Cluster mode: nodes with a live lease.", nil, nil),
	nodeLive:    prometheus.NewDesc("sessionql_cluster_node_sessions", "Cluster mode: sessions each node owns (runs).", []string{"node"}, nil),
}

// Describe sends the descriptions of the lifecycle's series.
func (s *Service) Describe(ch chan<- *prometheus.Desc) {
	prometheus.DescribeByCollect(s, ch)
}

// Collect sends the lifecycle's series as they are now.
func (s *Service) Collect(ch chan<- prometheus.Metric) {
	p := s.Pressure()
	d := pressureDescs
	gauge := func(desc *prometheus.Desc, v int) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(v))
	}
	gauge(d.live, p.LiveBrowsers)
	gauge(d.busy, p.BusyBrowsers)
	gauge(d.wedged, p.WedgedBrowsers)
	gauge(d.hibernated, p.HibernatedSessions)
	gauge(d.sessions, p.Sessions)
	gauge(d.queued, p.Queued)
	gauge(d.maxBrowsers, p.MaxBrowsers)
	gauge(d.maxSessions, p.MaxSessions)
	gauge(d.maxQueue, p.MaxQueue)
	gauge(d.recent, p.RecentRejections)
	ch <- prometheus.MustNewConstMetric(d.rejected, prometheus.CounterValue, float64(p.Rejected))
	available := 0
	if p.IsAvailable {
		available = 1
	}
	gauge(d.available, available)
	if c := p.Cluster; c != nil {
		gauge(d.nodesAlive, c.NodesAlive)
		for _, n := range c.Nodes {
			ch <- prometheus.MustNewConstMetric(d.nodeLive, prometheus.GaugeValue, float64(n.Sessions), n.URL)
		}
	}
	s.metrics.wakes.Collect(ch)
	s.metrics.hibernations.Collect(ch)
	s.metrics.crashes.Collect(ch)
	counter := func(desc *prometheus.Desc, v int64) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, float64(v))
	}
	counter(d.wedgedTotal, s.metrics.wedged.Load())
	counter(d.relaunched, s.metrics.relaunched.Load())
	counter(d.terminated, s.metrics.terminated.Load())
}
