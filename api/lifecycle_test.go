package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestPatchSessions changes ttl (counted from now) and userMetadata over
// HTTP, and the change survives a restart.
func TestPatchSessions(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{"ttl": 60000, "userMetadata": map[string]any{"order": "a"}})
	before := time.Now()
	r := do(t, "PATCH", srv.URL+"/sessions/"+s.ID, map[string]any{"ttl": 7200000})
	got := decodeAs[sessionJSON](t, r)
	expires, _ := time.Parse(time.RFC3339Nano, got.ExpiresAt)
	if r.Status != 200 || got.TTL != 7200000 || expires.Before(before.Add(2*time.Hour)) || got.UserMetadata["order"] != "a" {
		t.Errorf("PATCH ttl: %d %s", r.Status, r.Body)
	}
	r = do(t, "PATCH", srv.URL+"/sessions/"+s.ID, map[string]any{"userMetadata": map[string]any{"order": map[string]any{"status": "shipped"}}})
	if got := decodeAs[sessionJSON](t, r); r.Status != 200 || got.TTL != 7200000 || got.UserMetadata["order"].(map[string]any)["status"] != "shipped" {
		t.Errorf("PATCH userMetadata: %d %s", r.Status, r.Body)
	}
	srv.restart(t)
	r = do(t, "GET", srv.URL+"/sessions/"+s.ID, nil)
	if got := decodeAs[sessionJSON](t, r); got.TTL != 7200000 || got.UserMetadata["order"] == "a" {
		t.Errorf("after a restart: %s", r.Body)
	}
}

// TestListFiltersOverHTTP lists by status and by a URL-encoded q, newest
// first, and pages with limit and cursor.
func TestListFiltersOverHTTP(t *testing.T) {
	srv := newServer(t)
	var ids []string
	for i := range 5 {
		status := map[bool]string{true: "shipped", false: "open"}[i%2 == 0]
		s := srv.create(t, map[string]any{"stealth": true, "userMetadata": map[string]any{"order": map[string]any{"status": status}}})
		ids = append([]string{s.ID}, ids...)
	}
	bql(t, srv.URL+"/sessions/"+ids[0]+"/bql", `mutation { evaluate(content: "1") { value } }`, nil)
	type page struct {
		Sessions []sessionJSON
		Next     *string
	}
	list := func(query string) page {
		r := do(t, "GET", srv.URL+"/sessions?"+query, nil)
		if r.Status != 200 {
			t.Fatalf("list %s: %d %s", query, r.Status, r.Body)
		}
		return decodeAs[page](t, r)
	}
	var walked []string
	for p, cursor := list("limit=2"), ""; ; p = list("limit=2&cursor=" + url.QueryEscape(cursor)) {
		for _, s := range p.Sessions {
			walked = append(walked, s.ID)
		}
		if p.Next == nil {
			break
		}
		cursor = *p.Next
	}
	if strings.Join(walked, ",") != strings.Join(ids, ",") {
		t.Errorf("paging walked %v, want newest first %v", walked, ids)
	}
	q := url.QueryEscape(`user_metadata['order']['status']:'shipped'`)
	if n := len(list("q=" + q).Sessions); n != 3 {
		t.Errorf("q matched %d sessions, want 3", n)
	}
	if p := list("status=live"); len(p.Sessions) != 1 || p.Sessions[0].ID != ids[0] || p.Sessions[0].Status != "live" {
		t.Errorf("status=live: %+v", p.Sessions)
	}
	if n := len(list("status=hibernated&q=" + q).Sessions); n != 2 {
		t.Errorf("hibernated and shipped: %d, want 2", n)
	}
}

// TestTooManyRequestsHeaders fills MAX_SESSIONS and the browser queue and
// checks the 429s: SPEC shape, Retry-After and the X-RateLimit headers;
// /pressure and /metrics count them.
func TestTooManyRequestsHeaders(t *testing.T) {
	srv := newServer(t, func(c *sessionsConfig, _ *Config) {
		c.MaxSessions, c.MaxBrowsers, c.Queue = 2, 1, 0
	})
	busy := srv.create(t, map[string]any{"stealth": true})
	other := srv.create(t, map[string]any{"stealth": true})
	wantTooMany(t, do(t, "POST", srv.URL+"/session", map[string]any{}), 2)

	started := make(chan struct{})
	probe := testutil.ServePages(t)
	done := make(chan response, 1)
	go func() {
		close(started)
		done <- do(t, "POST", busy.BrowserQL, map[string]any{"query": `mutation { evaluate(content: "await new Promise(r => setTimeout(r, 1500)); return 1") { value } }`})
	}()
	<-started
	waitUntil(t, "the busy browser is live", func() bool { return srv.svc.Pressure().LiveBrowsers == 1 })
	wantTooMany(t, do(t, "POST", other.BrowserQL, map[string]any{"query": `mutation { goto(url: "` + probe.URL + `/click.html") { status } }`}), 1)
	if r := <-done; r.Status != 200 {
		t.Errorf("the busy request: %d %s", r.Status, r.Body)
	}
	p := decodeAs[map[string]any](t, do(t, "GET", srv.URL+"/pressure", nil))
	if p["rejected"] != 2.0 || p["recentRejections"] != 2.0 || p["maxBrowsers"] != 1.0 || p["isAvailable"] != false {
		t.Errorf("pressure: %v", p)
	}
	metrics := string(do(t, "GET", srv.URL+"/metrics", nil).Body)
	for _, want := range []string{
		"sessionql_rejections_total 2", "sessionql_live_browsers", "sessionql_hibernated_sessions", "sessionql_queue_length 0",
		`sessionql_http_request_duration_seconds_count{method="POST",route="/session",status="429"} 1`,
		`sessionql_bql_mutation_duration_seconds_count{field="evaluate"} 1`, "sessionql_wake_duration_seconds_count 1",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func wantTooMany(t *testing.T, r response, limit int) {
	t.Helper()
	e := decodeAs[errorJSON](t, r)
	retry, _ := strconv.Atoi(r.Header.Get("Retry-After"))
	reset, _ := strconv.ParseInt(r.Header.Get("X-RateLimit-Reset"), 10, 64)
	if r.Status != http.StatusTooManyRequests || e.Error.Code != "too_many_requests" || e.Error.Message == "" || retry < 1 ||
		r.Header.Get("X-RateLimit-Limit") != strconv.Itoa(limit) || r.Header.Get("X-RateLimit-Remaining") != "0" || reset < time.Now().Unix() {
		t.Errorf("want a 429 with limit %d and rate-limit headers: %d %v %s", limit, r.Status, r.Header, r.Body)
	}
}

// waitUntil polls cond; only a broken server reaches the deadline.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// TestBrowserKilledRelaunchesOverHTTP kills a session's Chromium with
// SIGKILL: the next BQL request relaunches it and sees the earlier write.
func TestBrowserKilledRelaunchesOverHTTP(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	write := `mutation($u: String!) { goto(url: $u) { status } evaluate(content: "document.cookie = 'k=1; max-age=600'; localStorage.setItem('t', 'dark'); return 1") { value } }`
	if st, res := bql(t, s.BrowserQL, write, map[string]any{"u": pages.URL + "/click.html"}); st != 200 || len(res.Errors) > 0 {
		t.Fatalf("write: %d %+v", st, res)
	}
	pid := browserPid(t, srv.dataDir+"/profiles/"+s.ID)
	testutil.Kill(pid)
	waitUntil(t, "the session shows hibernated", func() bool {
		return decodeAs[sessionJSON](t, do(t, "GET", srv.URL+"/sessions/"+s.ID, nil)).Status == "hibernated"
	})
	read := `mutation($u: String!) { goto(url: $u) { status } evaluate(content: "document.cookie + ' ' + localStorage.getItem('t')") { value } }`
	st, res := bql(t, s.BrowserQL, read, map[string]any{"u": pages.URL + "/click.html"})
	if st != 200 || string(res.Data["evaluate"]) != `{"value":"k=1 dark"}` {
		t.Errorf("after the kill: %d %s %+v", st, res.Data["evaluate"], res.Errors)
	}
}

// browserPid finds the main Chromium process of a profile.
func browserPid(t *testing.T, profile string) int {
	t.Helper()
	for _, p := range testutil.Processes("--user-data-dir=" + profile) {
		if !strings.Contains(p, "--type=") {
			pid, _ := strconv.Atoi(strings.Fields(p)[0])
			return pid
		}
	}
	t.Fatalf("no browser runs on %s", profile)
	return 0
}

// TestBrowserKilledRelaunchesOverCDP writes a cookie and localStorage from a
// CDP client's own tab; a BrowserQL request on the session returns, and the
// browser is killed with SIGKILL at once. The next connect relaunches it and
// a page of the origin reads both: the request saved the client's writes too.
func TestBrowserKilledRelaunchesOverCDP(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	c := cdpDial(t, s.Connect, nil)
	tab := c.open(pages.URL + "/click.html")
	c.eval(tab, `document.cookie = 'cart=12; max-age=600'; localStorage.setItem('cart', '[1,2]')`)
	if st, res := bql(t, s.BrowserQL, `mutation { evaluate(content: "1") { value } }`, nil); st != 200 || len(res.Errors) > 0 {
		t.Fatalf("BQL: %d %+v", st, res)
	}
	testutil.Kill(browserPid(t, srv.dataDir+"/profiles/"+s.ID))
	c.closed()
	waitUntil(t, "the session shows hibernated", func() bool {
		return decodeAs[sessionJSON](t, do(t, "GET", srv.URL+"/sessions/"+s.ID, nil)).Status == "hibernated"
	})
	c = cdpDial(t, s.Connect, nil)
	tab = c.open(pages.URL + "/click.html")
	if got := string(c.eval(tab, `document.cookie + ' ' + localStorage.getItem('cart')`)); got != `"cart=12 [1,2]"` {
		t.Errorf("after the kill the page reads %s, want the cookie and the cart", got)
	}
}
