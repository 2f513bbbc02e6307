package api

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/internal/testutil"
)

// recordingJSON is a page of GET /sessions/{id}/recording.
type recordingJSON struct {
	Events []struct {
		ID    uint64
		Tab   string
		Event struct {
			Type      int
			Timestamp float64
			Data      json.RawMessage
		}
	}
	Truncated bool
	Next      *string
}

// recording reads every page of a session's recording.
func (s *server) recording(t *testing.T, id, token string) (int, recordingJSON) {
	t.Helper()
	var all recordingJSON
	cursor := ""
	for {
		r := do(t, "GET", s.URL+"/sessions/"+id+"/recording?limit=50&token="+token+cursor, nil)
		if r.Status != http.StatusOK {
			return r.Status, all
		}
		page := decodeAs[recordingJSON](t, r)
		all.Events = append(all.Events, page.Events...)
		all.Truncated = page.Truncated
		if page.Next == nil {
			return r.Status, all
		}
		cursor = "&cursor=" + *page.Next
	}
}

// types counts a recording's events by rrweb type (2 full snapshot, 3
// incremental, 4 meta).
func (r recordingJSON) types() map[int]int {
	n := map[int]int{}
	for _, e := range r.Events {
		n[e.Event.Type]++
	}
	return n
}

// contains says whether any event's data holds s.
func (r recordingJSON) contains(s string) bool {
	for _, e := range r.Events {
		if strings.Contains(string(e.Event.Data), s) {
			return true
		}
	}
	return false
}

// TestRecordingReplaysTypedText records a session that navigates, clicks
// and types through BrowserQL; its recording has full snapshots and
// incremental events, and the replay page plays it in a person's browser
// to the end, where the replayed page shows the typed text.
func TestRecordingReplaysTypedText(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = "tok" })
	r := do(t, "POST", srv.URL+"/session?token=tok", map[string]any{"stealth": true, "record": true})
	var s struct {
		sessionJSON
		Record bool
		Replay string
	}
	if err := json.Unmarshal(r.Body, &s); err != nil || !s.Record || !strings.Contains(s.Replay, "/sessions/"+s.ID+"/replay?token=") {
		t.Fatalf("create: %v %s", err, r.Body)
	}
	res := runBQL(t, s.sessionJSON, `mutation Work($list: String!, $form: String!) {
		list: goto(url: $list) { status }
		form: goto(url: $form) { status }
		agree: click(selector: "#agree") { x }
		type(selector: "#name", text: "Replayed by rrweb", delay: [0, 5]) { text }
	}`, map[string]any{"list": pages.URL + "/list.html", "form": pages.URL + "/form.html"})
	if !strings.Contains(string(res.Data["type"]), "Replayed") {
		t.Fatalf("typing did not happen: %s", res.Data["type"])
	}
	status, rec := srv.recording(t, s.ID, "tok")
	types := rec.types()
	if status != http.StatusOK || types[2] < 2 || types[3] == 0 || types[4] < 2 {
		t.Fatalf("recording: %d, types %v; want a meta (4) and full snapshot (2) per document and incremental events (3)", status, types)
	}
	if !rec.contains("Replayed by rrweb") || rec.Truncated {
		t.Errorf("the typed text is not in the recording, or it is truncated (%v)", rec.Truncated)
	}
	for i, e := range rec.Events {
		if e.ID != uint64(i+1) || e.Tab == "" {
			t.Fatalf("event %d: id %d tab %q", i, e.ID, e.Tab)
		}
	}

	ctx := userBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.Replay)); err != nil {
		t.Fatal(err)
	}
	waitReplay(t, ctx, `window.__replay && __replay.finished`)
	frame := `document.querySelector(".replayer-wrapper iframe").contentDocument`
	if got := evalIn[string](t, ctx, frame+`.querySelector("#name").value`); got != "Replayed by rrweb" {
		t.Errorf("the replayed input holds %q", got)
	}
	if !evalIn[bool](t, ctx, frame+`.querySelector("#agree").checked`) {
		t.Error("the replayed checkbox is not checked")
	}
	artifact(t, ctx, "replay.png")
	if os.Getenv("SESSIONQL_DOCS_SCREENSHOTS") != "" {
		png, _ := os.ReadFile(filepath.Join("testdata", "artifacts", "replay.png"))
		os.WriteFile(filepath.Join("..", "docs", "replay.png"), png, 0o644)
	}
}

// waitReplay polls the replay page until cond holds.
func waitReplay(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => !!(`+cond+`) || null)()`, chromedp.WithPollingTimeout(60*time.Second)))
	if err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(window.__replay) + " " + document.body.innerText`))
		t.Fatalf("%s never held: %v; %s", cond, err, state)
	}
}
