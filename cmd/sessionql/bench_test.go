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
// binary from 30 clients at once (b.N creates in all) against two
// baselines on the same server in the same run: 200 creates one at a time,
// and the floor, the same 30 clients asking GET /healthz (no store, no
// disk): what HTTP and scheduling cost on this machine at that moment.
// Creates and the floor alternate in five slices, so that neither gets the
// quieter minutes. Every create is synced to disk before it is answered.
// With SESSIONQL_CPUPROFILE=prefix set, the server writes a CPU profile of
// each slice (see cpuprofile.go): creates in .0, .4, .8…, the floor in
// .2, .6, .10….
//
//	go test ./cmd/sessionql -run '^$' -bench CreateConcurrent -benchtime 3000x -count 3
func BenchmarkCreateConcurrent(b *testing.B) {
	const rounds = 5
	dataDir := filepath.Join(testutil.DataDir(b), "data")
	s := start(b, dataDir, "MAX_SESSIONS=1000000")
	l := newLoad(b, s, 30)
	defer l.client.CloseIdleConnections()
	create := func() time.Duration {
		return l.send("POST", "/session", `{"ttl":600000,"stealth":true,"userMetadata":{"user":"bench"}}`, http.StatusCreated)
	}
	health := func() time.Duration { return l.send("GET", "/healthz", "", http.StatusOK) }
	var serial, took, floor []time.Duration
	for range 200 {
		serial = append(serial, create())
	}
	b.ResetTimer()
	b.StopTimer()
	for i := range rounds {
		n := b.N*(i+1)/rounds - b.N*i/rounds
		l.mark()
		b.StartTimer()
		took = append(took, l.concurrently(n, create)...)
		b.StopTimer()
		l.mark()
		l.mark()
		floor = append(floor, l.concurrently(n, health)...)
		l.mark()
	}
	s.shutdown(b, syscall.SIGTERM, dataDir)
	b.ReportMetric(quantile(floor, 0.5), "floor-p50-ms")
	b.ReportMetric(quantile(floor, 0.99), "floor-p99-ms")
	b.ReportMetric(quantile(took, 0.5), "p50-ms")
	b.ReportMetric(quantile(took, 0.99), "p99-ms")
	b.ReportMetric(quantile(serial, 0.5), "serial-p50-ms")
	b.ReportMetric(quantile(took, 0.5)/quantile(floor, 0.5), "p50/floor")
	b.ReportMetric(quantile(took, 0.99)/quantile(floor, 0.99), "p99/floor")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
}

// load sends requests to a server from a number of clients at once.
type load struct {
	b       *testing.B
	s       *server
	clients int
	client  *http.Client
	profile bool // mark each concurrent slice for the server's profiler
}

func newLoad(b *testing.B, s *server, clients int) *load {
	return &load{b: b, s: s, clients: clients, profile: os.Getenv("SESSIONQL_CPUPROFILE") != "",
		client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}}
}

// send sends one request, wants the status and returns how long the answer
// took.
func (l *load) send(method, path, body string, want int) time.Duration {
	req, _ := http.NewRequest(method, l.s.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := l.client.Do(req)
	if err != nil {
		l.b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != want {
		l.b.Errorf("%s %s: %d", method, path, resp.StatusCode)
	}
	return took
}

// concurrently sends n requests from the clients and returns their
// durations.
func (l *load) concurrently(n int, one func() time.Duration) []time.Duration {
	var mu sync.Mutex
	var took []time.Duration
	var wg sync.WaitGroup
	for range l.clients {
		wg.Go(func() {
			for {
				mu.Lock()
				if n == 0 {
					mu.Unlock()
					return
				}
				n--
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

// mark starts or stops the server's profile, when profiling.
func (l *load) mark() {
	if l.profile && profileToggle != nil {
		l.s.cmd.Process.Signal(profileToggle)
		time.Sleep(50 * time.Millisecond)
	}
}

// quantile is the q-quantile of the durations in milliseconds.
func quantile(took []time.Duration, q float64) float64 {
	took = slices.Clone(took)
	slices.Sort(took)
	return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000
}
