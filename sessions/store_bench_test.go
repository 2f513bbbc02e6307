package sessions

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/internal/testutil"
)

// benchServices opens one Service on bbolt with local profiles and one on
// PostgreSQL with profiles in S3, for benchmarks that alternate the two in
// one loop.
func benchServices(b *testing.B) (local, shared *Service) {
	for _, be := range Backends {
		cfg := testConfig(b)
		cfg.MaxSessions = 1 << 20
		s := open(b, be.Open(b)(cfg))
		if be.Shared {
			shared = s
		} else {
			local = s
		}
	}
	return local, shared
}

// BenchmarkStoreWake measures, in one run, waking a hibernated session
// whose profile is downloaded from S3 and unpacked (the data dir does not
// hold it, as on another machine) against waking one from its local
// profile directory; both sessions hold the same writes.
//
//	go test ./sessions -run '^$' -bench StoreWake -benchtime 20x
func BenchmarkStoreWake(b *testing.B) {
	pages := testutil.ServePages(b)
	local, shared := benchServices(b)
	wake := func(s *Service, id string, fromBucket bool) time.Duration {
		e, _ := s.entry(id)
		s.hibernate(e, false)
		if fromBucket {
			os.RemoveAll(s.profileDir(id))
			e.setUnpacked("")
		}
		start := time.Now()
		page, release, err := s.Acquire(context.Background(), id)
		if err != nil {
			b.Fatal(err)
		}
		eval(b, page, "1")
		took := time.Since(start)
		release()
		return took
	}
	ids := map[*Service]string{}
	for _, s := range []*Service{local, shared} {
		ids[s] = create(b, s).ID
		run(b, s, ids[s], func(p *engine.Page) {
			gotoPage(b, p, pages.URL+"/click.html")
			eval(b, p, writeAll)
			eval(b, p, writeDBValue("deep"))
		})
	}
	var localTime, s3Time time.Duration
	for b.Loop() {
		localTime += wake(local, ids[local], false)
		s3Time += wake(shared, ids[shared], true)
	}
	b.ReportMetric(float64(localTime.Microseconds())/1000/float64(b.N), "local-wake-ms/op")
	b.ReportMetric(float64(s3Time.Microseconds())/1000/float64(b.N), "s3-wake-ms/op")
	b.ReportMetric(float64(s3Time)/float64(localTime), "ratio")
}

// BenchmarkStoreCreate measures creating a session on bbolt and on
// PostgreSQL, alternating, and reports the median and 99th percentile of
// each.
//
//	go test ./sessions -run '^$' -bench StoreCreate -benchtime 2000x
func BenchmarkStoreCreate(b *testing.B) {
	local, shared := benchServices(b)
	var times [2][]time.Duration
	for b.Loop() {
		for i, s := range []*Service{local, shared} {
			start := time.Now()
			if _, err := s.Create(Options{}, time.Hour, nil); err != nil {
				b.Fatal(err)
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	for i, name := range []string{"bbolt", "pg"} {
		slices.Sort(times[i])
		b.ReportMetric(percentile(times[i], 50), name+"-p50-ms")
		b.ReportMetric(percentile(times[i], 99), name+"-p99-ms")
	}
	b.ReportMetric(percentile(times[1], 50)/percentile(times[0], 50), "p50-ratio")
}

// BenchmarkStoreCheckpoint measures what the durability checkpoint costs a
// BrowserQL request on each store: the release of a request that changed
// localStorage (read the state from the browser, write it, committed),
// alternating between a session on bbolt and one on PostgreSQL.
//
//	go test ./sessions -run '^$' -bench StoreCheckpoint -benchtime 200x
func BenchmarkStoreCheckpoint(b *testing.B) {
	pages := testutil.ServePages(b)
	local, shared := benchServices(b)
	ids := map[*Service]string{}
	for _, s := range []*Service{local, shared} {
		ids[s] = create(b, s).ID
		run(b, s, ids[s], func(p *engine.Page) { gotoPage(b, p, pages.URL+"/click.html") })
	}
	var times [2][]time.Duration
	n := 0
	for b.Loop() {
		n++
		for i, s := range []*Service{local, shared} {
			page, release, err := s.Acquire(context.Background(), ids[s])
			if err != nil {
				b.Fatal(err)
			}
			eval(b, page, fmt.Sprintf("localStorage.setItem('n', '%d'); return 'ok'", n))
			start := time.Now()
			if err := release(); err != nil {
				b.Fatal(err)
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	for i, name := range []string{"bbolt", "pg"} {
		slices.Sort(times[i])
		b.ReportMetric(percentile(times[i], 50), name+"-checkpoint-p50-ms")
	}
	b.ReportMetric(percentile(times[1], 50)/percentile(times[0], 50), "ratio")
}

// percentile is the p-th percentile of sorted times, in milliseconds.
func percentile(sorted []time.Duration, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[(len(sorted)-1)*p/100].Microseconds()) / 1000
}
