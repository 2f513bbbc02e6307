//go:build linux

package engine

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestRecordPages records a tab that navigates and is typed into, and one
// the page opens: each gets a full snapshot and incremental events, and the
// page sees no trace of the recorder in its globals.
func TestRecordPages(t *testing.T) {
	srv := testutil.ServePages(t)
	dir := testutil.DataDir(t)
	b, err := Launch(LaunchOptions{ExecPath: testutil.ChromePath(t), ProfileDir: filepath.Join(dir, "profile"), TempDir: filepath.Join(dir, "tmp"), Headless: true, Window: Size{1280, 720}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	p, err := b.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var mu sync.Mutex
	got := map[string][]map[string]any{}
	rec, err := b.Record(ctx, func(tab string, evs []json.RawMessage) {
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

	mu.Lock()
	defer mu.Unlock()
	evs := got[p.TabID()]
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
