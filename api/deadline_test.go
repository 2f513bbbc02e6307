//go:build linux

package api

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/sessions"
)

// within runs f and fails the test when it took longer than bound: a bound
// on a hang, far above the usual time, never a benchmark.
func within(t *testing.T, bound time.Duration, what string, f func()) {
	t.Helper()
	start := time.Now()
	f()
	if took := time.Since(start); took > bound {
		t.Errorf("%s took %s, over the bound of %s", what, took.Round(time.Millisecond), bound)
	}
}

// browserGroups lists the process groups of the browsers whose command line
// mentions marker, such as a test server's data dir.
func browserGroups(t *testing.T, marker string) []int {
	t.Helper()
	seen := map[int]bool{}
	var groups []int
	for _, line := range testutil.Processes(marker) {
		if strings.Contains(line, "chrome_crashpad_handler") {
			continue // Chromium's crash handler has a group of its own and ends with the browser
		}
		pid, _ := strconv.Atoi(strings.Fields(line)[0])
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue
		}
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		pgid, _ := strconv.Atoi(fields[2])
		if !seen[pgid] {
			seen[pgid] = true
			groups = append(groups, pgid)
		}
	}
	return groups
}

// pressureOf reads /pressure.
func pressureOf(t *testing.T, srv *server) sessions.Pressure {
	t.Helper()
	return decodeAs[sessions.Pressure](t, do(t, "GET", srv.URL+"/pressure", nil))
}

// TestRunawayScriptIsStopped: a script that never ends is stopped at its
// timeout (Runtime.terminateExecution), the request answers soon after,
// and the next request on the session works at once. Before, the answer
// came after the timeout plus a 20 s state save, and every later request
// timed out while the renderer burned a core.
func TestRunawayScriptIsStopped(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	var res bqlResult
	within(t, 12*time.Second, "an evaluate of while(true){} with timeout 3000", func() {
		_, res = bql(t, s.BrowserQL, `mutation { loop: evaluate(content: "while(true){}", timeout: 3000) { value } after: evaluate(content: "6*7", timeout: 5000) { value } }`, nil)
	})
	if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "timeout" {
		t.Fatalf("want one timeout error, got %+v", res.Errors)
	}
	if !strings.Contains(string(res.Data["after"]), "42") {
		t.Errorf("the field after the runaway script: %s", res.Data["after"])
	}
	within(t, 5*time.Second, "the next request", func() {
		status, next := bql(t, s.BrowserQL, `mutation { evaluate(content: "document.readyState") { value } }`, nil)
		if status != 200 || len(next.Errors) != 0 {
			t.Errorf("next request: %d %+v", status, next.Errors)
		}
	})
	if m := metricsText(t, srv); !strings.Contains(m, "sessionql_scripts_terminated_total 1") {
		t.Errorf("metrics do not count the stopped script:\n%s", grepLines(m, "terminated"))
	}
}

// stoppedAfterWrite creates a stealth session whose request sets the
// cookie c=1, then stops its browser with SIGSTOP (until the test ends).
func stoppedAfterWrite(t *testing.T, srv *server) (sessionJSON, *httptest.Server) {
	t.Helper()
	s := srv.create(t, map[string]any{"stealth": true})
	pages := testutil.ServePages(t)
	wake := `mutation { goto(url: "` + pages.URL + `/done.html") { status } evaluate(content: "document.cookie = 'c=1'; 1") { value } }`
	if status, res := bql(t, s.BrowserQL, wake, nil); status != 200 || len(res.Errors) != 0 {
		t.Fatalf("wake: %d %+v", status, res.Errors)
	}
	groups := browserGroups(t, srv.dataDir)
	if len(groups) != 1 {
		t.Fatalf("want one browser group, found %v", groups)
	}
	syscall.Kill(-groups[0], syscall.SIGSTOP)
	t.Cleanup(func() { syscall.Kill(-groups[0], syscall.SIGCONT) })
	return s, pages
}

// TestWedgedBrowserIsReplaced stops a live browser with SIGSTOP. The next
// request pings it, kills it and relaunches it from its saved state, and
// answers within its bound; a CDP upgrade works; /pressure and /metrics
// count the wedged and relaunched browser. Before, the request hung, as did
// every later one and the upgrade, and /pressure said all was well.
func TestWedgedBrowserIsReplaced(t *testing.T) {
	srv := newServer(t)
	s, pages := stoppedAfterWrite(t, srv)
	time.Sleep(1500 * time.Millisecond) // quiet for longer than a use may be without a ping
	within(t, 20*time.Second, "a request on a wedged browser", func() {
		status, res := bql(t, s.BrowserQL, `mutation { goto(url: "`+pages.URL+`/done.html", timeout: 5000) { status } evaluate(content: "document.cookie", timeout: 5000) { value } }`, nil)
		if status != 200 || len(res.Errors) != 0 || !strings.Contains(string(res.Data["evaluate"]), "c=1") {
			t.Errorf("after the relaunch: %d %s %+v", status, res.Data["evaluate"], res.Errors)
		}
	})
	within(t, 10*time.Second, "a CDP upgrade", func() {
		ws, resp, err := websocket.DefaultDialer.Dial(s.Connect, nil)
		if err != nil {
			t.Fatalf("upgrade: %v %v", err, resp)
		}
		ws.WriteJSON(map[string]any{"id": 1, "method": "Browser.getVersion"})
		ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		var reply map[string]any
		if err := ws.ReadJSON(&reply); err != nil || reply["result"] == nil {
			t.Errorf("Browser.getVersion over CDP: %v %v", reply, err)
		}
		ws.Close()
	})
	p := pressureOf(t, srv)
	if p.Wedged != 1 || p.Relaunched != 1 || p.WedgedBrowsers != 0 || !p.IsAvailable {
		t.Errorf("pressure after the relaunch: %+v", p)
	}
	m := metricsText(t, srv)
	for _, want := range []string{"sessionql_browsers_wedged_total 1", "sessionql_browser_relaunches_total 1"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q:\n%s", want, grepLines(m, "wedged|relaunch"))
		}
	}
}

// TestBrowserWedgedRightAfterARequest stops a browser with SIGSTOP right
// after a request answered, within the second in which a request trusts a
// browser it has just heard from without pinging it: the next request's
// first step times out within its own bound, the browser is killed and the
// request answers 503 browser_unavailable instead of hanging; the request
// after it relaunches the browser with the saved cookie.
func TestBrowserWedgedRightAfterARequest(t *testing.T) {
	srv := newServer(t)
	s, pages := stoppedAfterWrite(t, srv)
	within(t, 20*time.Second, "a request right after the browser stopped", func() {
		r := do(t, "POST", s.BrowserQL, map[string]any{"query": `mutation { evaluate(content: "1", timeout: 2000) { value } }`})
		if r.Status == http.StatusOK && len(decodeAs[bqlResult](t, r).Errors) == 0 {
			return // the request found the browser wedged and relaunched it
		}
		if r.Status != http.StatusServiceUnavailable || !strings.Contains(string(r.Body), `"code":"browser_unavailable"`) {
			t.Errorf("a request on a browser stopped right after the last: %d %s, want 503 browser_unavailable", r.Status, r.Body)
		}
	})
	within(t, 30*time.Second, "the request after it", func() {
		status, res := bql(t, s.BrowserQL, `mutation { goto(url: "`+pages.URL+`/done.html", timeout: 5000) { status } evaluate(content: "document.cookie", timeout: 5000) { value } }`, nil)
		if status != 200 || len(res.Errors) != 0 || !strings.Contains(string(res.Data["evaluate"]), "c=1") {
			t.Errorf("after the relaunch: %d %s %+v", status, res.Data["evaluate"], res.Errors)
		}
	})
	if p := pressureOf(t, srv); p.Wedged != 1 || p.Relaunched != 1 {
		t.Errorf("pressure after the relaunch: %+v", p)
	}
}

// TestIdleWedgedBrowserIsFound: with one slot and its browser stopped, the
// health ping finds it without any request, /pressure stops claiming
// isAvailable while the stopped browser holds the slot, and it is killed.
func TestIdleWedgedBrowserIsFound(t *testing.T) {
	srv := newServer(t, func(c *sessions.Config, _ *Config) { c.MaxBrowsers, c.Queue = 1, 1 })
	s := srv.create(t, map[string]any{"stealth": true})
	bql(t, s.BrowserQL, `mutation { evaluate(content: "1") { value } }`, nil)
	groups := browserGroups(t, srv.dataDir)
	if len(groups) != 1 {
		t.Fatalf("want one browser group, found %v", groups)
	}
	syscall.Kill(-groups[0], syscall.SIGSTOP)
	defer syscall.Kill(-groups[0], syscall.SIGCONT)
	sawUnavailable := false
	deadline := time.Now().Add(30 * time.Second)
	for {
		p := pressureOf(t, srv)
		if p.WedgedBrowsers > 0 && !p.IsAvailable {
			sawUnavailable = true
		}
		if p.Wedged == 1 && p.LiveBrowsers == 0 {
			t.Logf("killed %s after the stop", time.Since(deadline.Add(-30*time.Second)).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stopped browser was not killed: %+v", p)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !sawUnavailable {
		t.Errorf("/pressure never said isAvailable: false while the only slot was held by a wedged browser")
	}
	if left := browserGroups(t, srv.dataDir); len(left) != 0 {
		t.Errorf("the wedged browser's processes are still there: %v", left)
	}
}

// TestLaunchThatNeverAnswers: a browser binary that starts but never
// speaks fails the request with 503 browser_unavailable once the launch
// deadline passes, the process is killed, /readyz says not ready, and the
// server closes promptly even with such a launch under way. Before, the
// request and the upgrade hung, and so did shutdown.
func TestLaunchThatNeverAnswers(t *testing.T) {
	silent := testutil.SilentBrowser(t)
	srv := newServer(t, func(c *sessions.Config, _ *Config) { c.ChromePath, c.LaunchTimeout = silent, 3*time.Second })
	if r := do(t, "GET", srv.URL+"/readyz", nil); r.Status != 200 {
		t.Errorf("/readyz before any launch: %d %s", r.Status, r.Body)
	}
	s := srv.create(t, map[string]any{"stealth": true})
	within(t, 15*time.Second, "a request whose browser never answers", func() {
		r := do(t, "POST", s.BrowserQL, map[string]any{"query": `mutation { evaluate(content: "1") { value } }`})
		e := decodeAs[errorJSON](t, r)
		if r.Status != 503 || e.Error.Code != "browser_unavailable" || !strings.Contains(e.Error.Message, "did not answer") {
			t.Errorf("want 503 browser_unavailable saying the browser did not answer, got %d %s", r.Status, r.Body)
		}
	})
	within(t, 15*time.Second, "a CDP upgrade whose browser never answers", func() {
		_, resp, err := websocket.DefaultDialer.Dial(s.Connect, nil)
		if err == nil || resp == nil || resp.StatusCode != 503 {
			t.Errorf("want a 503 before the upgrade, got %v %v", resp, err)
		}
	})
	if left := testutil.Processes(silent); len(left) != 0 {
		t.Errorf("the silent browser outlived its launch: %v", left)
	}
	r := do(t, "GET", srv.URL+"/readyz", nil)
	if e := decodeAs[errorJSON](t, r); r.Status != 503 || e.Error.Code != "browser_unavailable" {
		t.Errorf("/readyz after a failed launch: %d %s", r.Status, r.Body)
	}
	// A launch under way when the server stops ends at once, well before
	// the default launch bound, as SIGTERM drains first (see cmd).
	srv.cfg.LaunchTimeout = 0
	srv.restart(t)
	done := make(chan response, 1)
	go func() {
		req, _ := http.NewRequest("POST", srv.URL+"/sessions/"+s.ID+"/bql", strings.NewReader(`{"query":"mutation { evaluate(content: \"1\") { value } }"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- response{}
			return
		}
		resp.Body.Close()
		done <- response{Status: resp.StatusCode}
	}()
	for start := time.Now(); len(testutil.Processes(silent)) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			select {
			case r := <-done:
				t.Fatalf("the second launch did not start; the request answered %d", r.Status)
			default:
				t.Fatal("the second launch did not start")
			}
		}
	}
	within(t, 10*time.Second, "closing the server during a launch that never answers", func() {
		srv.svc.Drain()
		srv.stop()
	})
	if r := <-done; r.Status != 503 && r.Status != 0 {
		t.Errorf("the request under way answered %d", r.Status)
	}
}

// TestStopEndsRunningRequest: DELETE during a long waitForTimeout ends the
// request at once with 409 session_stopped. Before, the DELETE answered
// 204 but the request ran on for its 10 s and then said
// browser_disconnected.
func TestStopEndsRunningRequest(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	bql(t, s.BrowserQL, `mutation { evaluate(content: "1") { value } }`, nil)
	done := make(chan response, 1)
	go func() {
		done <- do(t, "POST", s.BrowserQL, map[string]any{"query": `mutation { waitForTimeout(time: 10000) { time } }`})
	}()
	time.Sleep(time.Second)
	var r response
	within(t, 4*time.Second, "the request after DELETE", func() {
		if d := do(t, "DELETE", srv.URL+"/sessions/"+s.ID, nil); d.Status != 204 {
			t.Errorf("DELETE: %d %s", d.Status, d.Body)
		}
		r = <-done
	})
	if e := decodeAs[errorJSON](t, r); r.Status != http.StatusConflict || e.Error.Code != "session_stopped" {
		t.Errorf("want 409 session_stopped, got %d %s", r.Status, r.Body)
	}
}

// metricsText scrapes /metrics.
func metricsText(t *testing.T, srv *server) string {
	t.Helper()
	return string(do(t, "GET", srv.URL+"/metrics", nil).Body)
}

// grepLines keeps the lines of text that mention any of the |-separated words.
func grepLines(text, words string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		for _, w := range strings.Split(words, "|") {
			if strings.Contains(line, w) && !strings.HasPrefix(line, "#") {
				out = append(out, line)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// TestStuckTabIsReplaced: a tab whose main thread is blocked outside
// JavaScript (a synchronous XHR that the server answers only after 10 s)
// cannot be interrupted by Runtime.terminateExecution; after the request
// the session closes that tab and gives the engine a fresh one, so the next
// request runs at once on about:blank instead of waiting behind it.
func TestStuckTabIsReplaced(t *testing.T) {
	srv := newServer(t)
	pages := testutil.ServePages(t)
	s := srv.create(t, map[string]any{"stealth": true})
	stuck := `mutation { goto(url: "` + pages.URL + `/done.html") { status } evaluate(content: "const x = new XMLHttpRequest(); x.open('GET', '/slow?ms=10000', false); x.send(); 1", timeout: 1000) { value } }`
	within(t, 20*time.Second, "a request whose tab stays blocked", func() {
		_, res := bql(t, s.BrowserQL, stuck, nil)
		if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "timeout" {
			t.Errorf("want one timeout, got %+v", res.Errors)
		}
	})
	within(t, 3*time.Second, "the next request", func() {
		status, res := bql(t, s.BrowserQL, `mutation { evaluate(content: "location.href") { value } }`, nil)
		if status != 200 || len(res.Errors) != 0 || !strings.Contains(string(res.Data["evaluate"]), "about:blank") {
			t.Errorf("the next request: %d %s %+v", status, res.Data["evaluate"], res.Errors)
		}
	})
	if p := pressureOf(t, srv); p.Wedged != 0 || p.Relaunched != 0 {
		t.Errorf("the tab should have been replaced without killing the browser: %+v", p)
	}
}
