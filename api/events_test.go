package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// logsJSON is a /logs answer as clients read it.
type logsJSON struct {
	Events []struct {
		ID   uint64
		Type string
		Data map[string]any
	}
	Truncated bool
	Next      *string
}

func (s *server) logs(t testing.TB, id, query string) (int, logsJSON) {
	t.Helper()
	r := do(t, "GET", s.URL+"/sessions/"+id+"/logs"+query, nil)
	if r.Status != http.StatusOK {
		return r.Status, logsJSON{}
	}
	return r.Status, decodeAs[logsJSON](t, r)
}

// TestEventStreamThroughSSE reads a session's events with Node's
// eventsource client: order, resume with Last-Event-ID, logs after stop,
// paging, and no password or cookie value in any of them; see
// e2e/events.mjs.
func TestEventStreamThroughSSE(t *testing.T) {
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.IdleTimeout = 2 * time.Second })
	cdpNode(t, srv, "events.mjs")
}

// TestLogsTruncatedAtMaxBytes logs every response of a session whose log
// may hold 3000 bytes: the oldest events go, the answer says so, and what
// is kept stays under the bound.
func TestLogsTruncatedAtMaxBytes(t *testing.T) {
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.LogMaxBytes = 3000 })
	pages := testutil.ServePages(t)
	s := srv.create(t, map[string]any{"stealth": true, "logs": map[string]any{"network": true}})
	for range 5 {
		runBQL(t, s, `mutation Go($u: String!) { goto(url: $u) { status } }`, map[string]any{"u": pages.URL + "/events.html"})
	}
	_, l := srv.logs(t, s.ID, "?limit=1000")
	if !l.Truncated || len(l.Events) == 0 || l.Events[0].ID == 1 {
		t.Fatalf("truncated %v, %d events, first %+v: want the oldest dropped", l.Truncated, len(l.Events), l.Events)
	}
	last := l.Events[len(l.Events)-1]
	if last.Type != "bql_request" {
		t.Errorf("the newest event is %s, want the last bql_request", last.Type)
	}
	raw := do(t, "GET", srv.URL+"/sessions/"+s.ID+"/logs?limit=1000", nil).Body
	if len(raw) > 2*3000 {
		t.Errorf("the log answer is %d bytes for a bound of 3000", len(raw))
	}
}

// TestLogsKeptAfterStopUntilRetention: a stopped session's logs answer
// until retention runs out, then 404.
func TestLogsKeptAfterStopUntilRetention(t *testing.T) {
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.LogRetention = time.Hour })
	s := srv.create(t, map[string]any{"stealth": true})
	runBQL(t, s, `mutation { goto(url: "about:blank") { status } }`, nil)
	if r := do(t, "DELETE", srv.URL+"/sessions/"+s.ID, nil); r.Status >= 300 {
		t.Fatalf("stop: %d %s", r.Status, r.Body)
	}
	status, l := srv.logs(t, s.ID, "")
	if status != http.StatusOK || len(l.Events) == 0 || l.Events[len(l.Events)-1].Type != "stopped" {
		t.Fatalf("after stop: %d, %+v", status, l.Events)
	}
	srv.svc.ExpireLogs() // ended just now: kept
	if status, _ := srv.logs(t, s.ID, ""); status != http.StatusOK {
		t.Fatalf("within retention: %d", status)
	}
	srv.restart(t) // the logs are in the store, not in memory
	if status, _ := srv.logs(t, s.ID, ""); status != http.StatusOK {
		t.Fatalf("after a restart: %d", status)
	}
	srv.stop()
	srv.cfg.LogRetention = time.Nanosecond
	srv.start(t)
	srv.svc.ExpireLogs()
	if status, _ := srv.logs(t, s.ID, ""); status != http.StatusNotFound {
		t.Fatalf("after retention: %d, want 404", status)
	}
}

// TestStealthWithNetworkLogsPassesDetection: a stealth session that logs
// its network still passes the detection page, and its log has the
// responses.
func TestStealthWithNetworkLogsPassesDetection(t *testing.T) {
	detectSrv := testutil.ServeDetect(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true, "logs": map[string]any{"network": true}})
	assertUndetected(t, detectBQL(t, s, detectSrv.URL("", "")))
	assertDocumentsHonest(t, detectSrv)
	if _, l := srv.logs(t, s.ID, "?type=response"); len(l.Events) == 0 {
		t.Fatal("no response was logged")
	}
}

// TestPageErrorsOnlyWhenAsked: a stealth session records the page's own
// console calls always, and its uncaught exceptions only with
// "pageErrors": true, which costs it the detection page's CDP check (the
// Runtime domain is on); without it the page sees nothing.
func TestPageErrorsOnlyWhenAsked(t *testing.T) {
	pages := testutil.ServePages(t)
	detectSrv := testutil.ServeDetect(t)
	srv := newServer(t)
	for _, asked := range []bool{false, true} {
		s := srv.create(t, map[string]any{"stealth": true, "logs": map[string]any{"pageErrors": asked}})
		runBQL(t, s, `mutation Go($u: String!) { goto(url: $u, waitUntil: load) { status } }`, map[string]any{"u": pages.URL + "/pageerror.html"})
		d := detectBQL(t, s, detectSrv.URL("", ""))
		waitForEvent(t, srv, s.ID, "console", "a warning from the page 7")
		if asked {
			waitForEvent(t, srv, s.ID, "page_error", "Uncaught Error: thrown by the page")
			if d.Undetected() {
				t.Error("with pageErrors the detection page saw nothing: is Runtime on?")
			}
			continue
		}
		assertUndetected(t, d)
		if _, l := srv.logs(t, s.ID, "?type=page_error"); len(l.Events) > 0 {
			t.Errorf("page_error recorded without pageErrors: %+v", l.Events)
		}
	}
}

// waitForEvent waits until the session's log holds an event of typ whose
// text contains text.
func waitForEvent(t *testing.T, srv *server, id, typ, text string) {
	t.Helper()
	var l logsJSON
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, l = srv.logs(t, id, "?limit=1000&type="+typ)
		for _, e := range l.Events {
			if s, _ := e.Data["text"].(string); strings.Contains(s, text) {
				return
			}
		}
	}
	t.Fatalf("no %s event with %q: %+v", typ, text, l.Events)
}
