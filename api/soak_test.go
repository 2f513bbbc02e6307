//go:build linux

package api

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestSoak runs ten sessions on four browser slots with normal and abusive
// requests side by side: runaway scripts, a large answer, a DELETE during
// a long wait, and a browser stopped with SIGSTOP. Every request must
// answer within a bound, and afterwards no Chromium, goroutine, file
// descriptor or heap growth may be left. SOAK_ROUNDS repeats the load
// (default 1, about a minute); -short skips it.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the soak test runs for about a minute")
	}
	rounds := 1
	if n, err := strconv.Atoi(os.Getenv("SOAK_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	goroutines, fds, heap := soakBaseline()
	srv := newServer(t)
	pages := testutil.ServePages(t)
	for round := range rounds {
		soakRound(t, srv, pages.URL, round)
	}
	srv.stop()
	pages.Close()
	testutil.NoProcessesLeft(t, srv.dataDir)
	soakSettled(t, "goroutines", goroutines, 10, func() int { return runtime.NumGoroutine() })
	soakSettled(t, "open files", fds, 5, soakFiles)
	soakSettled(t, "heap MiB", heap, 32, soakHeapMiB)
}

// soakRound runs one round: each session does its own mix, all at once;
// then every session that was not stopped answers a plain request.
func soakRound(t *testing.T, srv *server, pagesURL string, round int) {
	var wg sync.WaitGroup
	var left []sessionJSON
	for i := range 10 {
		s := srv.create(t, map[string]any{"stealth": true})
		normal := `mutation { goto(url: "` + pagesURL + `/done.html") { status } evaluate(content: "localStorage.setItem('n', '` + strconv.Itoa(i) + `'); document.title") { value } }`
		if i != 8 {
			left = append(left, s)
		}
		wg.Go(func() {
			within(t, 90*time.Second, fmt.Sprintf("round %d session %d", round, i), func() {
				soakSession(t, srv, s, i, normal)
			})
		})
	}
	wg.Wait()
	if p := pressureOf(t, srv); p.Wedged < round+1 {
		t.Errorf("the stopped browser was not counted as wedged: %+v", p)
	}
	for _, s := range left {
		wg.Go(func() {
			within(t, 60*time.Second, "a request after the storm", func() {
				if status, res := bql(t, s.BrowserQL, `mutation { evaluate(content: "1+1") { value } }`, nil); status != 200 || len(res.Errors) != 0 {
					t.Errorf("session %s after the storm: %d %+v", s.ID, status, res.Errors)
				}
			})
		})
	}
	wg.Wait()
}

// soakSession is one session's mix; sessions 0-5 are normal, the others
// each abuse the server in one way, then check their session still works.
func soakSession(t *testing.T, srv *server, s sessionJSON, i int, normal string) {
	expectOK := func(what string) { // or 429: ten sessions on four slots may overload the queue
		r := do(t, "POST", s.BrowserQL, map[string]any{"query": normal})
		res := decodeAs[bqlResult](t, r)
		if r.Status != 200 && r.Status != http.StatusTooManyRequests || r.Status == 200 && len(res.Errors) != 0 {
			t.Errorf("session %d, %s: %d %s", i, what, r.Status, r.Body)
		}
	}
	expectOK("first request")
	switch i {
	case 6: // runaway scripts
		for range 2 {
			bql(t, s.BrowserQL, `mutation { evaluate(content: "while(true){}", timeout: 1000) { value } }`, nil)
		}
		expectOK("after runaway scripts")
	case 7: // a large answer
		bql(t, s.BrowserQL, `mutation { evaluate(content: "'x'.repeat(8 << 20)") { value } }`, nil)
		expectOK("after a large answer")
	case 8: // DELETE during a long wait
		done := make(chan response, 1)
		go func() {
			done <- do(t, "POST", s.BrowserQL, map[string]any{"query": `mutation { waitForTimeout(time: 20000) { time } }`})
		}()
		time.Sleep(2 * time.Second)
		do(t, "DELETE", srv.URL+"/sessions/"+s.ID, nil)
		if r := <-done; r.Status != http.StatusConflict && r.Status != http.StatusNotFound && r.Status != http.StatusTooManyRequests {
			t.Errorf("session 8, the request under DELETE: %d %s", r.Status, r.Body)
		}
	case 9: // its browser stopped, then continued after it was replaced
		groups := browserGroups(t, s.ID)
		for try := 0; len(groups) == 0 && try < 5; try++ { // evicted meanwhile: wake it again
			expectOK("a wake")
			groups = browserGroups(t, s.ID)
		}
		for _, g := range groups {
			syscall.Kill(-g, syscall.SIGSTOP)
			defer syscall.Kill(-g, syscall.SIGCONT)
		}
		time.Sleep(1500 * time.Millisecond)
		expectOK("after SIGSTOP")
		if len(groups) == 0 {
			t.Error("session 9's browser was never live to be stopped")
		}
	default:
		for range 3 {
			expectOK("a normal request")
		}
	}
}

// soakBaseline measures goroutines, open files and the heap (MiB, after GC).
func soakBaseline() (goroutines, fds, heap int) {
	return runtime.NumGoroutine(), soakFiles(), soakHeapMiB()
}

func soakFiles() int {
	entries, _ := os.ReadDir("/proc/self/fd")
	return len(entries)
}

func soakHeapMiB() int {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int(m.HeapAlloc >> 20)
}

// soakSettled fails the test unless measure comes back to within tolerance of
// base in a few seconds, as connections and goroutines wind down.
func soakSettled(t *testing.T, what string, base, tolerance int, measure func() int) {
	t.Helper()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := measure()
		if n <= base+tolerance {
			t.Logf("%s: %d after, %d before", what, n, base)
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%s: %d after the soak, %d before (tolerance %d)", what, n, base, tolerance)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}
