//go:build linux

package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// recordOwn launches a browser of the test's own with one page and records
// it; recorded returns the events so far by tab. The test's end closes
// everything.
func recordOwn(t *testing.T) (ctx context.Context, b *Browser, p *Page, rec *Recorder, recorded func() map[string][]map[string]any) {
	t.Helper()
	dir := testutil.DataDir(t)
	b, err := Launch(LaunchOptions{ExecPath: testutil.ChromePath(t), ProfileDir: filepath.Join(dir, "profile"), TempDir: filepath.Join(dir, "tmp"), Headless: true, Window: Size{1280, 720}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	p, err = b.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	var mu sync.Mutex
	got := map[string][]map[string]any{}
	rec, err = b.Record(ctx, func(tab string, evs []json.RawMessage) {
		mu.Lock()
		defer mu.Unlock()
		for _, raw := range evs {
			var e map[string]any
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Error(err)
			}
			got[tab] = append(got[tab], e)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return ctx, b, p, rec, func() map[string][]map[string]any {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
}

// TestRecordPages records a tab that navigates and is typed into, and one
// the page opens: each gets a full snapshot and incremental events, and the
// page sees no trace of the recorder in its globals.
func TestRecordPages(t *testing.T) {
	srv := testutil.ServePages(t)
	ctx, _, p, rec, recorded := recordOwn(t)
	if _, err := p.Goto(ctx, srv.URL+"/form.html", Load, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Type(ctx, "#name", "hello recorder", Delay{}, LocateOptions{}, true, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	leak, err := p.Evaluate(ctx, "typeof rrweb + typeof __sqrec", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if leak == nil || *leak != "undefinedundefined" {
		t.Errorf("the page sees the recorder: %v", *leak)
	}
	rec.Stop(ctx)

	evs := recorded()[p.TabID()]
	types := map[float64]int{}
	typed := false
	for _, e := range evs {
		types[e["type"].(float64)]++
		raw, _ := json.Marshal(e)
		if strings.Contains(string(raw), "hello recorder") {
			typed = true
		}
	}
	t.Logf("%d events by type %v", len(evs), types)
	if types[2] == 0 || types[3] == 0 {
		t.Errorf("want full snapshots (2) and incremental events (3), got %v", types)
	}
	if !typed {
		t.Error("the typed text is not in the recording")
	}
}

// TestRecordShortLivedPages records documents left a moment after they
// loaded, by each kind of navigation: the page's own script, a user's
// DevTools client, and the engine's goto. Each document has its meta event
// and exactly one full snapshot.
func TestRecordShortLivedPages(t *testing.T) {
	srv := testutil.ServePages(t)
	ctx, b, p, rec, recorded := recordOwn(t)
	loaded := func(url string) {
		t.Helper()
		for {
			v, err := p.Evaluate(ctx, "document.readyState === 'complete' ? location.href : ''", 10*time.Second)
			if err == nil && v != nil && *v == url {
				return
			}
			if ctx.Err() != nil {
				t.Fatalf("%s did not load: %v", url, err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// The page's script: delayed.html goes on to done.html a moment after
	// the click.
	if _, err := p.Goto(ctx, srv.URL+"/delayed.html", Load, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Click(ctx, "#later", LocateOptions{}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	loaded(srv.URL + "/done.html?from=delayed")
	// hop.html goes on to form.html in its load event: nothing tells the
	// recorder in time, so its snapshot is only logged (see record.go).
	if _, err := p.Goto(ctx, srv.URL+"/hop.html", Commit, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	loaded(srv.URL + "/form.html?from=hop")
	// A user's DevTools client's navigations, past the engine's goto.
	conn := newMemConn()
	served := make(chan error)
	go func() { served <- b.Serve(conn) }()
	defer func() { conn.CloseWith(nil); <-served }()
	conn.send(t, `{"id":1,"method":"Target.attachToTarget","params":{"targetId":"`+p.TabID()+`","flatten":true}}`)
	var att struct{ SessionID string }
	json.Unmarshal(conn.reply(t, 1)["result"], &att)
	for i, u := range []string{"/list.html", "/done.html"} {
		id := int64(i + 2)
		conn.send(t, fmt.Sprintf(`{"id":%d,"sessionId":%q,"method":"Page.navigate","params":{"url":%q}}`, id, att.SessionID, srv.URL+u))
		if r := conn.reply(t, id); r["error"] != nil {
			t.Fatalf("Page.navigate: %s", r["error"])
		}
		loaded(srv.URL + u)
	}
	// The engine's goto, one right after the other.
	for _, u := range []string{"/shapes.html", "/events.html"} {
		if _, err := p.Goto(ctx, srv.URL+u, Load, 20*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	rec.Stop(ctx)

	snaps, href := map[string]int{}, ""
	for _, e := range recorded()[p.TabID()] {
		switch e["type"].(float64) {
		case 4:
			href, _ = e["data"].(map[string]any)["href"].(string)
		case 2:
			snaps[href]++
		}
	}
	t.Logf("hop.html, left in its load event, has %d full snapshots", snaps[srv.URL+"/hop.html"])
	for _, u := range []string{"/delayed.html", "/done.html?from=delayed", "/form.html?from=hop", "/list.html", "/done.html", "/shapes.html", "/events.html"} {
		if snaps[srv.URL+u] != 1 {
			t.Errorf("%s has %d full snapshots; want 1 (all: %v)", u, snaps[srv.URL+u], snaps)
		}
	}
}
