package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/sessionql/sessionql/graph"
	"github.com/sessionql/sessionql/sessions"
)

// metrics is one router's Prometheus registry: the lifecycle's series, the
// latency of requests and of BrowserQL mutations, and the process's own.
type metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.HistogramVec
	mutations *prometheus.HistogramVec
}

func newMetrics(svc *sessions.Service, bql *graph.Handler) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sessionql_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route and status.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}, []string{"method", "route", "status"}),
		mutations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sessionql_bql_mutation_duration_seconds", Help: "Time to run one top-level BrowserQL mutation field, by field.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}, []string{"field"}),
	}
	m.registry.MustRegister(svc, m.requests, m.mutations, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if bql != nil {
		bql.ObserveMutations(func(field string, took time.Duration) {
			m.mutations.WithLabelValues(field).Observe(took.Seconds())
		})
	}
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// observe records each request's latency under its route pattern and a
// known method, so that neither session ids nor made-up paths and methods
// make a series each. Upgraded WebSockets are left out:
// their duration is the client's connection time.
func (m *metrics) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		status := ww.Status()
		logAccess(r, status, time.Since(start), ww.BytesWritten())
		if status == 0 && r.Header.Get("Upgrade") != "" || status == http.StatusSwitchingProtocols {
			return
		}
		if status == 0 {
			status = http.StatusOK
		}
		m.requests.WithLabelValues(methodLabel(r.Method), routeLabel(r, status), strconv.Itoa(status)).Observe(time.Since(start).Seconds())
	})
}

// methodLabel keeps the method label to a fixed set, so that made-up
// methods do not make a series each.
func methodLabel(method string) string {
	switch method {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
		return method
	}
	return "OTHER"
}

// routeLabel is the route pattern that answered; refusals before a route
// ran (no such route, no token, a foreign Host or Origin) share one label
// each, whatever path they asked for.
func routeLabel(r *http.Request, status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusMisdirectedRequest, http.StatusForbidden:
		return "refused"
	}
	if route := chi.RouteContext(r.Context()).RoutePattern(); route != "" {
		return route
	}
	return "unmatched"
}
