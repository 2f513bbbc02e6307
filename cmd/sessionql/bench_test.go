package main

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// memory reads a process's resident set and proportional set size in KiB;
// PSS shares the pages a process shares with others between them.
func memory(pid int) (rss, pss int) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		n, _ := strconv.Atoi(fields[1])
		switch fields[0] {
		case "Rss:":
			rss = n
		case "Pss:":
			pss = n
		}
	}
	return rss, pss
}

// settledRSS waits for the server to be idle, then reads its RSS in MiB.
func settledRSS(s *server) float64 {
	time.Sleep(2 * time.Second)
	rss, _ := memory(s.cmd.Process.Pid)
	return float64(rss) / 1024
}

// BenchmarkHibernatedSessionsRSS measures the server's resident memory
// empty, holding 10 000 hibernated sessions, and after a restart that loads
// them from the store.
//
//	go test ./cmd/sessionql -run '^$' -bench HibernatedSessionsRSS -benchtime 1x
func BenchmarkHibernatedSessionsRSS(b *testing.B) {
	const n = 10000
	for b.Loop() {
		dataDir := filepath.Join(testutil.DataDir(b), "data")
		s := start(b, dataDir, "MAX_SESSIONS=20000")
		empty := settledRSS(s)
		createMany(b, s, n)
		full := settledRSS(s)
		s.shutdown(b, syscall.SIGTERM, dataDir)
		s = start(b, dataDir, "MAX_SESSIONS=20000")
		reloaded := settledRSS(s)
		s.shutdown(b, syscall.SIGTERM, dataDir)
		b.ReportMetric(empty, "empty-MiB")
		b.ReportMetric(full, "10k-MiB")
		b.ReportMetric(reloaded, "10k-restarted-MiB")
		b.ReportMetric((reloaded-empty)*1024/n, "KiB/session")
	}
}

// createMany creates n sessions from 16 clients.
func createMany(b *testing.B, s *server, n int) {
	var next sync.WaitGroup
	jobs := make(chan int)
	for range 16 {
		next.Go(func() {
			for i := range jobs {
				body := map[string]any{"ttl": 3600000, "stealth": i%2 == 0, "userMetadata": map[string]any{"customer": fmt.Sprint("c-", i), "plan": "pro"}}
				if st, err := tryCall("POST", s.URL+"/session", body, nil); err != nil || st != http.StatusCreated {
					b.Errorf("create %d: %d %v", i, st, err)
				}
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	next.Wait()
}

// BenchmarkLiveBrowserMemory wakes four sessions on a small local page and
// measures the memory of each one's Chromium processes: PSS, which splits
// shared pages fairly, and RSS, which counts them once per process.
//
//	go test ./cmd/sessionql -run '^$' -bench LiveBrowserMemory -benchtime 1x
func BenchmarkLiveBrowserMemory(b *testing.B) {
	const n = 4
	pages := testutil.ServePages(b)
	for b.Loop() {
		dataDir := filepath.Join(testutil.DataDir(b), "data")
		s := start(b, dataDir, "MAX_BROWSERS=8")
		var ids []string
		for range n {
			id, bql := newSession(b, s)
			if _, err := tryEvaluate(bql, pages.URL+"/docs/", "document.title"); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, id)
		}
		time.Sleep(2 * time.Second)
		var rss, pss int
		byKind, count := map[string]int{}, map[string]int{}
		for _, id := range ids {
			for _, p := range testutil.Processes(filepath.Join(dataDir, "profiles", id)) {
				pid, _ := strconv.Atoi(strings.Fields(p)[0])
				r, ps := memory(pid)
				rss, pss = rss+r, pss+ps
				byKind[processKind(p)] += ps
				count[processKind(p)]++
			}
		}
		for _, k := range slices.Sorted(maps.Keys(byKind)) {
			b.Logf("PSS of %s: %.1f MiB per session (%d processes in all)", k, float64(byKind[k])/1024/n, count[k])
		}
		server, _ := memory(s.cmd.Process.Pid)
		s.shutdown(b, syscall.SIGTERM, dataDir)
		b.ReportMetric(float64(pss)/1024/n, "PSS-MiB/session")
		b.ReportMetric(float64(rss)/1024/n, "RSS-MiB/session")
		b.ReportMetric(float64(server)/1024, "server-MiB")
	}
}

// processKind names a Chromium process by its --type and, for a utility
// process, its service; "browser" for the main process.
func processKind(cmdline string) string {
	kind := "browser"
	for _, f := range strings.Fields(cmdline) {
		if v, ok := strings.CutPrefix(f, "--type="); ok {
			kind = v
		}
		if v, ok := strings.CutPrefix(f, "--utility-sub-type="); ok {
			kind += " " + v
		}
		if f == "--extension-process" {
			kind += " (extension)"
		}
	}
	return kind
}

// BenchmarkCreateConcurrent measures POST /session against the real server
// binary from 30 clients at once (b.N creates in all), and, first in the
// same run on the same server, 200 creates one at a time as the baseline.
// It reports the median and 99th percentile of both and the ratio of the
// medians. Every create is synced to disk before it is answered.
//
//	go test ./cmd/sessionql -run '^$' -bench CreateConcurrent -benchtime 3000x -count 3
func BenchmarkCreateConcurrent(b *testing.B) {
	const clients = 30
	s := start(b, filepath.Join(testutil.DataDir(b), "data"), "MAX_SESSIONS=1000000")
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer client.CloseIdleConnections()
	send := func(method, url, body string, want int) time.Duration {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if resp.StatusCode != want {
			b.Errorf("%s %s: %d", method, url, resp.StatusCode)
		}
		return took
	}
	create := func() time.Duration {
		return send("POST", s.URL+"/session", `{"ttl":600000,"stealth":true,"userMetadata":{"user":"bench"}}`, http.StatusCreated)
	}
	quantile := func(took []time.Duration, q float64) float64 {
		slices.Sort(took)
		return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000
	}
	var serial []time.Duration
	for range 200 {
		serial = append(serial, create())
	}
	// concurrently runs b.N requests from the clients.
	concurrently := func(one func() time.Duration) []time.Duration {
		var mu sync.Mutex
		left := b.N
		var took []time.Duration
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				for {
					mu.Lock()
					if left == 0 {
						mu.Unlock()
						return
					}
					left--
					mu.Unlock()
					t := one()
					mu.Lock()
					took = append(took, t)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return took
	}
	b.ResetTimer()
	took := concurrently(create)
	b.StopTimer()
	// The floor: the same clients asking GET /pressure (no disk write):
	// what HTTP and the server cost on this machine at this load.
	pressure := concurrently(func() time.Duration { return send("GET", s.URL+"/pressure", "", http.StatusOK) })
	b.ReportMetric(quantile(pressure, 0.5), "read-p50-ms")
	b.ReportMetric(quantile(pressure, 0.99), "read-p99-ms")
	b.ReportMetric(quantile(took, 0.5), "p50-ms")
	b.ReportMetric(quantile(took, 0.99), "p99-ms")
	b.ReportMetric(quantile(serial, 0.5), "serial-p50-ms")
	b.ReportMetric(quantile(serial, 0.99), "serial-p99-ms")
	b.ReportMetric(quantile(took, 0.5)/quantile(serial, 0.5), "p50-ratio")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
}
