package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// loadClient talks to the server over loopback with a bounded pool.
func loadClient() *http.Client {
	return &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxConnsPerHost: 64, MaxIdleConnsPerHost: 64}}
}

// send sends one JSON request and returns its status and body; transport
// errors count as status 0.
func sendJSON(c *http.Client, method, url string, body any) (int, []byte) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// baseline is what the test process holds before a load, to compare after.
type baseline struct{ goroutines, fds int }

func measure() baseline { return baseline{runtime.NumGoroutine(), openFDs()} }

// settle waits until goroutines and file descriptors are back to the
// baseline, once idle connections are closed.
func (b baseline) settle(t *testing.T, c *http.Client) {
	t.Helper()
	c.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
	for deadline := time.Now().Add(20 * time.Second); runtime.NumGoroutine() > b.goroutines || openFDs() > b.fds; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			var stacks strings.Builder
			pprof.Lookup("goroutine").WriteTo(&stacks, 1)
			fds, _ := os.ReadDir("/proc/self/fd")
			var links []string
			for _, fd := range fds {
				l, _ := os.Readlink("/proc/self/fd/" + fd.Name())
				links = append(links, l)
			}
			t.Fatalf("goroutines %d (baseline %d), fds %d (baseline %d): %v\n%s", runtime.NumGoroutine(), b.goroutines, len(fds), b.fds, links, stacks.String())
		}
	}
}

// TestLoadCreateAndDelete has 50 clients create and delete 1000 sessions
// at once: every request succeeds and nothing is left behind.
func TestLoadCreateAndDelete(t *testing.T) {
	srv := newServer(t)
	client := loadClient()
	base := measure()
	var failures atomic.Int64
	var firstFailure sync.Once
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for range 20 {
				if err := createAndDelete(client, srv.URL); err != nil {
					failures.Add(1)
					firstFailure.Do(func() { t.Errorf("first failure: %v", err) })
				}
			}
		})
	}
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d of 1000 create+delete cycles failed", n)
	}
	if p := srv.svc.Pressure(); p.Sessions != 0 || p.LiveBrowsers != 0 || p.Rejected != 0 {
		t.Errorf("after the load: %+v", p)
	}
	if dirs, _ := os.ReadDir(filepath.Join(srv.dataDir, "profiles")); len(dirs) != 0 {
		t.Errorf("%d profiles left", len(dirs))
	}
	testutil.NoProcessesLeft(t, srv.dataDir)
	base.settle(t, client)
}

func createAndDelete(c *http.Client, base string) error {
	st, body := sendJSON(c, "POST", base+"/session", map[string]any{"ttl": 60000, "userMetadata": map[string]any{"load": "yes"}})
	if st != http.StatusCreated {
		return fmt.Errorf("create: %d %s", st, body)
	}
	var s struct{ ID string }
	json.Unmarshal(body, &s)
	if st, body := sendJSON(c, "DELETE", base+"/sessions/"+s.ID, nil); st != http.StatusNoContent {
		return fmt.Errorf("delete: %d %s", st, body)
	}
	return nil
}

// TestLoadRoundRobinHibernation queries 20 sessions round-robin from 8
// clients with MAX_BROWSERS=4, so that browsers are hibernated and woken
// all the time. Every request succeeds, every session counts exactly the
// requests it got (its localStorage survived each hibernation), and after
// the sessions stop no browser, goroutine or fd is left.
func TestLoadRoundRobinHibernation(t *testing.T) {
	const sessionsN, rounds, clients = 20, 2, 8
	pages := testutil.ServePages(t)
	srv := newServer(t, func(c *sessionsConfig, _ *Config) {
		c.MaxBrowsers, c.Queue, c.QueueTimeout = 4, 100, 2*time.Minute
	})
	client := loadClient()
	base := measure()
	ids := make([]string, sessionsN)
	for i := range ids {
		ids[i] = srv.create(t, map[string]any{"stealth": true}).ID
	}
	seen := make([]chan int, sessionsN)
	for i := range seen {
		seen[i] = make(chan int, rounds)
	}
	var next atomic.Int64
	var failures atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for n := next.Add(1) - 1; n < sessionsN*rounds; n = next.Add(1) - 1 {
				i := int(n) % sessionsN
				n, err := bump(client, srv.URL, ids[i], pages.URL)
				if err != nil {
					failures.Add(1)
					t.Errorf("session %d: %v", i, err)
					continue
				}
				seen[i] <- n
			}
		})
	}
	wg.Wait()
	if failures.Load() > 0 {
		t.Fatalf("%d of %d requests failed", failures.Load(), sessionsN*rounds)
	}
	checkCounts(t, seen)
	p := srv.svc.Pressure()
	if p.LiveBrowsers > 4 || p.Rejected != 0 {
		t.Errorf("pressure after the load: %+v", p)
	}
	metrics := string(do(t, "GET", srv.URL+"/metrics", nil).Body)
	if !strings.Contains(metrics, "sessionql_hibernations_total") || strings.Contains(metrics, "sessionql_hibernations_total 0\n") {
		t.Error("no browser was hibernated under load")
	}
	for _, id := range ids {
		if st, body := sendJSON(client, "DELETE", srv.URL+"/sessions/"+id, nil); st != http.StatusNoContent {
			t.Errorf("delete: %d %s", st, body)
		}
	}
	testutil.NoProcessesLeft(t, srv.dataDir)
	base.settle(t, client)
}

// bump adds one to a counter in the session's localStorage and returns it.
func bump(c *http.Client, base, id, pages string) (int, error) {
	query := `mutation($u: String!) { goto(url: $u) { status } evaluate(content: "localStorage.n = String(Number(localStorage.n || 0) + 1); return localStorage.n") { value } }`
	st, body := sendJSON(c, "POST", base+"/sessions/"+id+"/bql", map[string]any{"query": query, "variables": map[string]any{"u": pages + "/click.html"}})
	var res struct {
		Data   struct{ Evaluate struct{ Value string } }
		Errors []any
	}
	json.Unmarshal(body, &res)
	n, err := strconv.Atoi(res.Data.Evaluate.Value)
	if st != http.StatusOK || len(res.Errors) > 0 || err != nil {
		return 0, fmt.Errorf("status %d: %s", st, body)
	}
	return n, nil
}

// checkCounts wants each session's counter to have read 1, 2, … once each:
// no request lost the state an earlier one left, hibernated or not.
func checkCounts(t *testing.T, seen []chan int) {
	t.Helper()
	for i, ch := range seen {
		close(ch)
		var got []int
		for n := range ch {
			got = append(got, n)
		}
		slices.Sort(got)
		for j, n := range got {
			if n != j+1 {
				t.Errorf("session %d counted %v, want 1 to %d", i, got, len(got))
				break
			}
		}
	}
}
