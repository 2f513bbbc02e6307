//go:build linux

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/sessionql/sessionql/internal/testutil"
)

// node is one sessionql process of a test's cluster.
type node struct {
	*server
	dataDir string
	env     []string
}

// cluster is three nodes on one PostgreSQL database and one S3 prefix.
type cluster struct {
	nodes  []*node
	prefix string
}

// clusterLease is NODE_LEASE in the tests: short, so that a dead node's
// sessions move within seconds.
const clusterLease = 2 * time.Second

// startCluster starts n nodes on 127.0.0.1 with small MAX_BROWSERS,
// IDLE_TIMEOUT and NODE_LEASE, sharing a fresh database and S3 prefix.
func startCluster(t testing.TB, n int, idle time.Duration, env ...string) *cluster {
	t.Helper()
	c := &cluster{prefix: strings.ToLower(rand.Text()[:10])}
	shared := append(engines.S3.Env(), "DATABASE_URL="+engines.PG.Database(t), "PROFILE_STORE=s3://"+testutil.S3Bucket+"/"+c.prefix,
		"IDLE_TIMEOUT="+idle.String(), "NODE_LEASE="+clusterLease.String())
	shared = append(shared, env...)
	for range n {
		c.nodes = append(c.nodes, c.startNode(t, shared))
	}
	return c
}

func (c *cluster) startNode(t testing.TB, shared []string) *node {
	t.Helper()
	port, err := testutil.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	env := append(append([]string{}, shared...), "NODE_URL=http://"+addr)
	nd := &node{dataDir: filepath.Join(testutil.DataDir(t), "data"), env: env}
	nd.server = start(t, nd.dataDir, append(env, "ADDR="+addr)...)
	return nd
}

// pressure reads a node's /pressure.
type pressure struct {
	LiveBrowsers int
	Cluster      *struct {
		NodesAlive int
		Nodes      []struct {
			URL      string
			Sessions int
		}
	}
}

func (nd *node) pressure(t *testing.T) pressure {
	t.Helper()
	var p pressure
	if st := call(t, "GET", nd.URL+"/pressure", nil, &p); st != 200 {
		t.Fatalf("pressure: %d", st)
	}
	return p
}

// status is a session's status as node nd answers it; 0 status when gone.
func (nd *node) status(t *testing.T, id string) (int, string) {
	t.Helper()
	var got struct{ Status string }
	st := call(t, "GET", nd.URL+"/sessions/"+id, nil, &got)
	return st, got.Status
}

// objects lists the S3 objects of the cluster's profile store.
func (c *cluster) objects(t *testing.T) []string {
	t.Helper()
	var keys []string
	for o := range engines.S3.Client().ListObjects(context.Background(), testutil.S3Bucket, minio.ListObjectsOptions{Prefix: c.prefix + "/", Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		keys = append(keys, o.Key)
	}
	return keys
}

func waitFor(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
	}
}

// bqlOn is the session's BQL URL on node nd.
func bqlOn(nd *node, id string) string { return nd.URL + "/sessions/" + id + "/bql" }

// TestClusterSharesSessions covers the tests 1, 2, 3 and 7 on one
// cluster: a session created on A is listed and read on B and C; what A
// wrote (cookie, localStorage, IndexedDB) is read through B after
// hibernation; BQL and Puppeteer/Playwright sent to C are served by the
// owner; DELETE and expiry on any node remove the record and the profile
// objects.
func TestClusterSharesSessions(t *testing.T) {
	c := startCluster(t, 3, 1500*time.Millisecond)
	a, b, cc := c.nodes[0], c.nodes[1], c.nodes[2]
	pages := testutil.ServePages(t)
	page := pages.URL + "/click.html"

	// 1. create on A; B and C list and get it
	id, _ := newSession(t, a.server)
	for _, nd := range []*node{b, cc} {
		var list struct{ Sessions []struct{ ID, Status string } }
		call(t, "GET", nd.URL+"/sessions", nil, &list)
		if len(list.Sessions) != 1 || list.Sessions[0].ID != id {
			t.Fatalf("%s lists %+v, want %s; log:\n%s", nd.URL, list.Sessions, id, nd.log)
		}
		if st, status := nd.status(t, id); st != 200 || status != "hibernated" {
			t.Fatalf("%s: GET the session: %d %s", nd.URL, st, status)
		}
	}

	// a change made on one node shows on another
	if st := call(t, "PATCH", b.URL+"/sessions/"+id, map[string]any{"userMetadata": map[string]any{"team": "blue"}}, nil); st != 200 {
		t.Fatalf("PATCH through B: %d", st)
	}
	var got struct{ UserMetadata map[string]string }
	if call(t, "GET", cc.URL+"/sessions/"+id, nil, &got); got.UserMetadata["team"] != "blue" {
		t.Errorf("C reads the metadata B set as %v", got.UserMetadata)
	}

	// 2. write through A, hibernate, read through B
	if v := evaluate(t, bqlOn(a, id), page, write); v != "written" {
		t.Fatalf("write: %s", v)
	}
	if v := evaluate(t, bqlOn(a, id), page, writeDB); v != "written" {
		t.Fatalf("write IndexedDB: %s", v)
	}
	if p := a.pressure(t); p.LiveBrowsers != 1 || p.Cluster == nil || p.Cluster.NodesAlive != 3 {
		t.Fatalf("A's pressure with the session live there: %+v", p)
	}
	if m := metricsOf(t, cc); !strings.Contains(m, "sessionql_cluster_nodes_alive 3\n") || !strings.Contains(m, `sessionql_cluster_node_sessions{node="`+a.env[len(a.env)-1][len("NODE_URL="):]+`"} 1`) {
		t.Errorf("C's /metrics does not show 3 nodes and the session on A:\n%s", m)
	}
	if _, status := cc.status(t, id); status != "live" {
		t.Fatalf("C sees the session live on A as %q", status)
	}
	waitFor(t, "the session hibernates on A", 30*time.Second, func() bool { _, s := b.status(t, id); return s == "hibernated" })
	if got := evaluate(t, bqlOn(b, id), page, read); got != written {
		t.Errorf("read through B after hibernation on A: %s, want %s", got, written)
	}
	if got := evaluate(t, bqlOn(b, id), page, readDB); got != "deep" {
		t.Errorf("IndexedDB through B after hibernation on A: %s, want deep", got)
	}
	if b.pressure(t).LiveBrowsers != 1 || a.pressure(t).LiveBrowsers != 0 {
		t.Errorf("the session did not wake on B alone: A %+v, B %+v", a.pressure(t), b.pressure(t))
	}

	// 3. BQL to C while B owns it: served by B; then Puppeteer and
	// Playwright through C
	if got := evaluate(t, bqlOn(cc, id), page, read); got != written {
		t.Errorf("read through C, forwarded to B: %s, want %s", got, written)
	}
	if p := cc.pressure(t); p.LiveBrowsers != 0 {
		t.Errorf("C started a browser for a session B runs: %+v", p)
	}
	cdpNode(t, "cluster-forward.mjs", "OWNER_URL="+b.URL, "SESSIONQL_URL="+cc.URL, "PAGE_URL="+page)
	if p := cc.pressure(t); p.LiveBrowsers != 0 {
		t.Errorf("C started a browser for the Node clients of a session B runs: %+v", p)
	}
	// Browserbase's API through C: served by B, with C's address in its URLs
	var debug struct {
		WsURL string
		Pages []struct{ URL string }
	}
	if st := call(t, "GET", cc.URL+"/v1/sessions/"+id+"/debug", nil, &debug); st != 200 || len(debug.Pages) == 0 || !strings.HasPrefix(debug.WsURL, strings.Replace(cc.URL, "http", "ws", 1)) {
		t.Errorf("GET /v1/sessions/{id}/debug through C: %d %+v", st, debug)
	}
	var bb struct{ ID, Status string }
	if st := call(t, "GET", cc.URL+"/v1/sessions/"+id, nil, &bb); st != 200 || bb.ID != id || bb.Status != "RUNNING" {
		t.Errorf("GET /v1/sessions/{id} through C: %d %+v", st, bb)
	}
	if p := cc.pressure(t); p.LiveBrowsers != 0 {
		t.Errorf("C started a browser for Browserbase requests of a session B runs: %+v", p)
	}

	// 7. DELETE through C removes the record and the objects
	waitFor(t, "a profile object is kept", 30*time.Second, func() bool { return len(c.objects(t)) > 0 })
	if st := call(t, "DELETE", cc.URL+"/sessions/"+id, nil, nil); st != 204 {
		t.Fatalf("DELETE through C: %d", st)
	}
	for _, nd := range c.nodes {
		if st, _ := nd.status(t, id); st != 404 {
			t.Errorf("%s still has the deleted session: %d", nd.URL, st)
		}
	}
	if keys := c.objects(t); len(keys) != 0 {
		t.Errorf("profile objects left after DELETE: %v", keys)
	}
	// expiry: a session that ran on A and hibernated there expires
	var short struct{ ID string }
	if st := call(t, "POST", cc.URL+"/session", map[string]any{"ttl": 8000, "stealth": true}, &short); st != 201 {
		t.Fatalf("create: %d", st)
	}
	if v := evaluate(t, bqlOn(a, short.ID), page, write); v != "written" {
		t.Fatalf("write: %s", v)
	}
	waitFor(t, "the short session hibernates and its profile is kept", 30*time.Second, func() bool {
		_, s := b.status(t, short.ID)
		return s == "hibernated" && len(c.objects(t)) > 0
	})
	waitFor(t, "the expired session is gone with its objects", 30*time.Second, func() bool {
		st, _ := b.status(t, short.ID)
		return st == 404 && len(c.objects(t)) == 0
	})
	for _, nd := range c.nodes {
		nd.shutdown(t, syscall.SIGTERM, nd.dataDir)
	}
}

// cdpNode runs a script of e2e/ with env and fails the test unless it
// exits 0.
func cdpNode(t *testing.T, script string, env ...string) {
	t.Helper()
	dir := filepath.Join(testutil.Testdata(), "..", "e2e")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, out)
	}
}

// attempt is one BQL request's outcome on a node: the status, the error
// code and Retry-After of a refusal, or the evaluated value.
type attempt struct {
	status     int
	code       string
	retryAfter string
	value      string
}

func tryBQL(t *testing.T, url, page, js string) attempt {
	t.Helper()
	var res struct {
		Data struct {
			Evaluate *struct{ Value *string }
		}
		Error  *struct{ Code string }
		Errors []struct{ Message string }
	}
	query := `mutation($url: String!, $js: String!) { goto(url: $url) { status } evaluate(content: $js) { value } }`
	raw, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"url": page, "js": js}})
	resp, err := http.Post(url, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("BQL %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	json.Unmarshal(body, &res)
	a := attempt{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After")}
	if res.Error != nil {
		a.code = res.Error.Code
	}
	if res.Data.Evaluate != nil && res.Data.Evaluate.Value != nil {
		a.value = *res.Data.Evaluate.Value
	}
	if a.status == 200 && a.value == "" {
		a.code = "bql_error"
		t.Logf("BQL %s: %s", url, body)
	}
	return a
}

// TestClusterKill9 is the test 4: the owner of a live session is
// killed with SIGKILL; another node answers 503 session_moving with
// Retry-After while the dead node's lease runs, then wakes the session with
// the acknowledged writes; no Chromium of the dead node is left.
func TestClusterKill9(t *testing.T) {
	c := startCluster(t, 2, time.Minute)
	a, b := c.nodes[0], c.nodes[1]
	page := testutil.ServePages(t).URL + "/click.html"
	id, _ := newSession(t, b.server)
	if v := evaluate(t, bqlOn(a, id), page, write); v != "written" {
		t.Fatalf("write: %s", v)
	}
	if len(testutil.Processes(a.dataDir)) == 0 {
		t.Fatal("no browser runs on A")
	}
	a.cmd.Process.Signal(syscall.SIGKILL)
	a.wait(t)
	moving := 0
	for {
		got := tryBQL(t, bqlOn(b, id), page, read)
		if got.status == 200 {
			if got.value != written {
				t.Errorf("after the owner was killed: %s, want %s", got.value, written)
			}
			break
		}
		if got.status != 503 || got.code != "session_moving" || got.retryAfter == "" {
			t.Fatalf("while the dead owner's lease runs: %+v, want 503 session_moving with Retry-After", got)
		}
		moving++
		time.Sleep(200 * time.Millisecond)
	}
	if moving == 0 {
		t.Error("no session_moving answer while the dead owner's lease ran")
	}
	testutil.NoProcessesLeft(t, a.dataDir)
	b.shutdown(t, syscall.SIGTERM, b.dataDir)
}

// balancer is the load balancer of the tests: round robin over the nodes,
// and a request whose node refuses the connection goes to the next one,
// as HAProxy's and nginx's retries on connect errors do.
type balancer struct {
	nodes []*node
	next  atomic.Int64
}

func (lb *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	start := int(lb.next.Add(1))
	var err error
	for i := range lb.nodes {
		nd := lb.nodes[(start+i)%len(lb.nodes)]
		out, _ := http.NewRequestWithContext(r.Context(), r.Method, nd.URL+r.URL.RequestURI(), bytes.NewReader(body))
		out.Header = r.Header.Clone()
		var resp *http.Response
		resp, err = http.DefaultTransport.RoundTrip(out)
		if err != nil {
			continue // connection refused: the next node
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
		return
	}
	http.Error(w, err.Error(), http.StatusBadGateway)
}

// TestClusterSIGTERMUnderLoad is the test 6: a stream of BQL
// requests on several sessions goes through a load balancer while the node
// that runs them gets SIGTERM. Every request succeeds (a 503
// session_moving is retried after its Retry-After, as docs/cluster.md asks
// of clients), and every acknowledged write is there after.
func TestClusterSIGTERMUnderLoad(t *testing.T) {
	c := startCluster(t, 3, time.Minute)
	a := c.nodes[0]
	page := testutil.ServePages(t).URL + "/click.html"
	lb := httptest.NewServer(&balancer{nodes: c.nodes})
	defer lb.Close()
	var ids []string
	for range 2 {
		id, _ := newSession(t, a.server)
		if v := evaluate(t, bqlOn(a, id), page, `localStorage.setItem('n', '0'); return 'written';`); v != "written" {
			t.Fatalf("write: %s", v)
		}
		ids = append(ids, id)
	}
	if a.pressure(t).LiveBrowsers != 2 {
		t.Fatal("the sessions do not run on A")
	}
	stop := make(chan struct{})
	type result struct {
		acked, retried int
		failed         []string
	}
	results := make(chan result, len(ids))
	for _, id := range ids {
		go func() {
			var r result
			defer func() { results <- r }()
			for n := 1; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				js := `localStorage.setItem('n', String(Number(localStorage.getItem('n')) + 1)); return localStorage.getItem('n');`
				for {
					got := tryBQL(t, lb.URL+"/sessions/"+id+"/bql", page, js)
					if got.status == 503 && got.code == "session_moving" && got.retryAfter != "" {
						r.retried++
						secs, _ := strconv.Atoi(got.retryAfter)
						time.Sleep(time.Duration(secs) * time.Second)
						continue
					}
					if got.status != 200 || got.value != strconv.Itoa(n) {
						r.failed = append(r.failed, fmt.Sprintf("request %d: %+v", n, got))
						return
					}
					r.acked = n
					break
				}
			}
		}()
	}
	time.Sleep(2 * time.Second) // some requests on A first
	a.shutdown(t, syscall.SIGTERM, a.dataDir)
	time.Sleep(3 * time.Second) // and some after, on the others
	close(stop)
	for range ids {
		r := <-results
		if len(r.failed) > 0 || r.acked < 2 {
			t.Errorf("requests failed during the SIGTERM: %v (%d acknowledged)", r.failed, r.acked)
		}
		t.Logf("%d requests acknowledged, %d retried after session_moving", r.acked, r.retried)
	}
	for _, nd := range c.nodes[1:] {
		nd.shutdown(t, syscall.SIGTERM, nd.dataDir)
	}
}

// TestClusterSIGSTOPFenced is the test 5: the owner is stopped
// (SIGSTOP) past its lease, another node takes the session over, and the
// owner is continued (SIGCONT): its late checkpoint is refused, it kills
// its browser and answers session_moving, and the session's state is the
// new owner's.
func TestClusterSIGSTOPFenced(t *testing.T) {
	c := startCluster(t, 2, time.Minute)
	a, b := c.nodes[0], c.nodes[1]
	page := testutil.ServePages(t).URL + "/click.html"
	id, _ := newSession(t, b.server)
	set := func(v string) string {
		return `localStorage.setItem('v', '` + v + `'); return localStorage.getItem('v');`
	}
	if v := evaluate(t, bqlOn(a, id), page, set("a")); v != "a" {
		t.Fatalf("write on A: %s", v)
	}
	a.cmd.Process.Signal(syscall.SIGSTOP)
	defer a.cmd.Process.Signal(syscall.SIGCONT)
	for {
		got := tryBQL(t, bqlOn(b, id), page, set("b"))
		if got.status == 200 {
			break
		}
		if got.code != "session_moving" {
			t.Fatalf("while A is stopped: %+v", got)
		}
		time.Sleep(200 * time.Millisecond)
	}
	a.cmd.Process.Signal(syscall.SIGCONT)
	// A's first use of its stale browser is refused; a request B forwarded
	// while A was stopped may come first, and then this one goes to B
	got := tryBQL(t, bqlOn(a, id), page, `return localStorage.getItem('v');`)
	if !(got.status == 503 && got.code == "session_moving") && !(got.status == 200 && got.value == "b") {
		t.Errorf("A after SIGCONT: %+v, want 503 session_moving or B's answer; A's log:\n%s", got, a.log)
	}
	waitFor(t, "A logs that it was fenced", 10*time.Second, func() bool { return strings.Contains(a.log.String(), "fenced") })
	waitFor(t, "A's browser is killed", 10*time.Second, func() bool { return len(testutil.Processes(a.dataDir)) == 0 })
	for _, nd := range c.nodes {
		if v := evaluate(t, bqlOn(nd, id), page, `return localStorage.getItem('v');`); v != "b" {
			t.Errorf("through %s the session holds %q, want the new owner's b", nd.URL, v)
		}
	}
	if p := a.pressure(t); p.LiveBrowsers != 0 {
		t.Errorf("A runs a browser after it was fenced: %+v", p)
	}
	for _, nd := range c.nodes {
		nd.shutdown(t, syscall.SIGTERM, nd.dataDir)
	}
}

func metricsOf(t *testing.T, nd *node) string {
	t.Helper()
	resp, err := http.Get(nd.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// TestClusterSharesRecordings: a recording goes on when its session
// hibernates on A and wakes on B, then back on A, numbered on from where
// the other node stopped, and
// once the session ended every node serves all of it, from PostgreSQL;
// no node keeps a recordings.db.
func TestClusterSharesRecordings(t *testing.T) {
	c := startCluster(t, 2, 1500*time.Millisecond)
	a, b := c.nodes[0], c.nodes[1]
	page := testutil.ServePages(t).URL + "/click.html"
	var created struct{ ID string }
	if st := call(t, "POST", a.URL+"/session", map[string]any{"record": true, "stealth": true, "ttl": 600000}, &created); st != 201 {
		t.Fatalf("create: %d", st)
	}
	id := created.ID
	add := func(nd *node, text string) {
		t.Helper()
		if v := evaluate(t, bqlOn(nd, id), page, `document.body.insertAdjacentHTML('beforeend', '<p>`+text+`</p>'); return 'added';`); v != "added" {
			t.Fatalf("add %q: %s", text, v)
		}
	}
	add(a, "recorded on node A")
	waitFor(t, "the session hibernates on A", 30*time.Second, func() bool { _, s := b.status(t, id); return s == "hibernated" })
	add(b, "recorded on node B")
	if b.pressure(t).LiveBrowsers != 1 || a.pressure(t).LiveBrowsers != 0 {
		t.Fatalf("the session did not wake on B: A %+v, B %+v", a.pressure(t), b.pressure(t))
	}
	waitFor(t, "the session hibernates on B", 30*time.Second, func() bool { _, s := a.status(t, id); return s == "hibernated" })
	add(a, "recorded on node A again")
	if st := call(t, "DELETE", b.URL+"/sessions/"+id, nil, nil); st != 204 {
		t.Fatalf("DELETE through B: %d", st)
	}
	for _, nd := range c.nodes {
		var rec struct {
			Events []struct {
				ID    uint64
				Event json.RawMessage
			}
			Next *string
		}
		if st := call(t, "GET", nd.URL+"/sessions/"+id+"/recording?limit=5000", nil, &rec); st != 200 || rec.Next != nil {
			t.Fatalf("%s: GET the recording: %d, next %v", nd.URL, st, rec.Next)
		}
		var all strings.Builder
		for i, e := range rec.Events {
			if e.ID != uint64(i+1) {
				t.Errorf("%s: event %d has id %d: ids are not 1..n", nd.URL, i+1, e.ID)
				break
			}
			all.Write(e.Event)
		}
		for _, text := range []string{"recorded on node A", "recorded on node B", "recorded on node A again"} {
			if !strings.Contains(all.String(), text) {
				t.Errorf("%s: the recording (%d events) lacks %q", nd.URL, len(rec.Events), text)
			}
		}
		if _, err := os.Stat(filepath.Join(nd.dataDir, "recordings.db")); err == nil {
			t.Errorf("%s keeps a recordings.db", nd.URL)
		}
	}
	for _, nd := range c.nodes {
		nd.shutdown(t, syscall.SIGTERM, nd.dataDir)
	}
}
