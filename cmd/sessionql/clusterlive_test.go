//go:build linux

package main

import (
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sessionql/sessionql/internal/testutil"
)

// TestClusterLiveURL: a live URL made through node A still opens the live
// page and its WebSocket after the session moved to node B, on B and
// through A; one revoked through B stops working everywhere.
func TestClusterLiveURL(t *testing.T) {
	const secret = "cluster-secret"
	c := startCluster(t, 2, 1500*time.Millisecond, "TOKEN="+secret)
	a, b := c.nodes[0], c.nodes[1]
	pages := testutil.ServePages(t)
	page := pages.URL + "/click.html"
	auth := "?token=" + secret

	var created struct{ ID string }
	if st := call(t, "POST", a.URL+"/session"+auth, map[string]any{"stealth": true, "ttl": 600000}, &created); st != 201 {
		t.Fatalf("create: %d", st)
	}
	id := created.ID
	if v := evaluate(t, bqlOn(a, id)+auth, page, write); v != "written" {
		t.Fatalf("write through A: %s", v)
	}
	var live struct{ URL string }
	if st := call(t, "POST", a.URL+"/sessions/"+id+"/live-url"+auth, map[string]any{}, &live); st != 201 {
		t.Fatalf("live URL through A: %d", st)
	}
	u, err := url.Parse(live.URL)
	if err != nil {
		t.Fatal(err)
	}
	token := u.Query().Get("token")
	if !strings.HasPrefix(token, "sq_l_") {
		t.Fatalf("live URL %s has no live-view token", live.URL)
	}
	get := func(nd *node, tok string) int {
		t.Helper()
		resp, err := http.Get(nd.URL + "/sessions/" + id + "/live?token=" + url.QueryEscape(tok))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := get(a, token); st != 200 {
		t.Fatalf("the live URL on A, which made it: %d", st)
	}
	if st := get(b, "sq_l_"+strings.Repeat("x", 52)); st != 401 {
		t.Fatalf("an unknown live-view token on B: %d, want 401", st)
	}

	// the session hibernates on A and wakes on B
	waitFor(t, "the session hibernates on A", 30*time.Second, func() bool { _, s := b.status(t, id+auth); return s == "hibernated" })
	if got := evaluate(t, bqlOn(b, id)+auth, page, read); got != written {
		t.Fatalf("read through B: %s, want %s", got, written)
	}
	var p pressure
	if call(t, "GET", b.URL+"/pressure"+auth, nil, &p); p.LiveBrowsers != 1 {
		t.Fatalf("the session did not wake on B: %+v", p)
	}
	for _, nd := range []*node{b, a} {
		if st := get(nd, token); st != 200 {
			t.Errorf("the live URL made through A, on %s after the session moved to B: %d; B's log:\n%s", nd.URL, st, b.log)
		}
		ws := "ws" + strings.TrimPrefix(nd.URL, "http") + "/sessions/" + id + "/live/ws?token=" + url.QueryEscape(token)
		conn, resp, err := websocket.DefaultDialer.Dial(ws, nil)
		if err != nil {
			st := 0
			if resp != nil {
				st = resp.StatusCode
			}
			t.Errorf("the live WebSocket through %s with the token: %v (%d)", nd.URL, err, st)
			continue
		}
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		if _, _, err := conn.ReadMessage(); err != nil {
			t.Errorf("the live WebSocket through %s sent nothing: %v", nd.URL, err)
		}
		conn.Close()
	}

	// revoked through B: refused on both
	if st := call(t, "DELETE", b.URL+"/sessions/"+id+"/live-url"+auth, nil, nil); st != 204 {
		t.Fatalf("revoke through B: %d", st)
	}
	for _, nd := range []*node{a, b} {
		if st := get(nd, token); st != 401 {
			t.Errorf("the revoked live URL on %s: %d, want 401", nd.URL, st)
		}
	}
	for _, nd := range c.nodes {
		nd.shutdown(t, syscall.SIGTERM, nd.dataDir)
	}
}
