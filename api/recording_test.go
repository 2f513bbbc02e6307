package api

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
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

// snapshotsByHref counts full snapshots (2) per document, by the href of
// the meta event (4) that opens the document in the same tab.
func (r recordingJSON) snapshotsByHref() map[string]int {
	n := map[string]int{}
	href := map[string]string{}
	for _, e := range r.Events {
		switch e.Event.Type {
		case 4:
			var m struct{ Href string }
			json.Unmarshal(e.Event.Data, &m)
			href[e.Tab] = m.Href
		case 2:
			n[href[e.Tab]]++
		}
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
	// Every page the session showed has its own full snapshot, however
	// short its life: list.html is left as soon as it loaded.
	snaps := rec.snapshotsByHref()
	for _, u := range []string{pages.URL + "/list.html", pages.URL + "/form.html"} {
		if snaps[u] != 1 {
			t.Errorf("%s has %d full snapshots; want 1 (snapshots by href: %v)", u, snaps[u], snaps)
		}
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

	// The typed text is painted, not only in the DOM: in a screenshot of
	// the person's browser the replayed input's box has dark text pixels,
	// and they go when the input is emptied (the cursor rrweb draws on it
	// stays, so only the text tells the two apart).
	shot, typed := replayedInput(t, ctx)
	saveArtifact(t, "replay.png", shot)
	evalIn[bool](t, ctx, `(() => { `+frame+`.querySelector("#name").value = ""; return true; })()`)
	_, empty := replayedInput(t, ctx)
	if text, changed := darkPixels(typed)-darkPixels(empty), changedPixels(typed, empty); text < 20 || changed < 20 {
		t.Errorf("the replay screenshot does not show the typed text: %d more dark pixels inside the input's border than when it is emptied, %d changed (see testdata/artifacts/replay.png)", text, changed)
	}
}

// replayedInput screenshots the person's browser once it has stopped
// changing (rrweb's mouse tail fades after the end) and cuts out the
// replayed page's #name input inside its border, where it is painted on
// the screen.
func replayedInput(t *testing.T, ctx context.Context) ([]byte, image.Image) {
	t.Helper()
	box := evalIn[[]float64](t, ctx, `(() => {
		const f = document.querySelector(".replayer-wrapper iframe"), r = f.getBoundingClientRect();
		const el = f.contentDocument.querySelector("#name"), i = el.getBoundingClientRect(), s = r.width / f.offsetWidth;
		const left = i.left + el.clientLeft, top = i.top + el.clientTop;
		return [r.left + left * s, r.top + top * s, r.left + (left + el.clientWidth) * s, r.top + (top + el.clientHeight) * s]; })()`)
	var last []byte
	for range 50 {
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(shot, last) {
			img, err := png.Decode(bytes.NewReader(shot))
			if err != nil {
				t.Fatal(err)
			}
			rect := image.Rect(int(math.Ceil(box[0])), int(math.Ceil(box[1])), int(box[2]), int(box[3]))
			return shot, img.(interface {
				SubImage(image.Rectangle) image.Image
			}).SubImage(rect)
		}
		last = shot
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the replay page never stopped changing")
	return nil, nil
}

// darkPixels counts the pixels of img dark enough to be text.
func darkPixels(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if c := color.GrayModel.Convert(img.At(x, y)).(color.Gray); c.Y < 128 {
				n++
			}
		}
	}
	return n
}

// changedPixels counts the pixels where a and b, of the same bounds,
// differ.
func changedPixels(a, b image.Image) int {
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
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

// TestRecordingSurvivesHibernation records before and after the browser
// is hibernated (a server restart) and woken: both documents are in the
// recording, numbered on from where it stopped; stopSessionRecording then
// ends it, and what came after is not recorded.
func TestRecordingSurvivesHibernation(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true, "record": true})
	typeInto := `mutation T($url: String!, $text: String!) { goto(url: $url) { status } type(selector: "#name", text: $text) { text } }`
	runBQL(t, s, typeInto, map[string]any{"url": pages.URL + "/form.html", "text": "before hibernation"})
	_, before := srv.recording(t, s.ID, "")
	srv.restart(t)
	s.BrowserQL = srv.URL + "/sessions/" + s.ID + "/bql"
	runBQL(t, s, typeInto, map[string]any{"url": pages.URL + "/form.html?again", "text": "after waking"})
	_, after := srv.recording(t, s.ID, "")
	if !before.contains("before hibernation") || !after.contains("before hibernation") || !after.contains("after waking") {
		t.Fatalf("before: %v, after: %v %v", before.contains("before hibernation"), after.contains("before hibernation"), after.contains("after waking"))
	}
	if types := after.types(); types[2] < 2 || len(after.Events) <= len(before.Events) {
		t.Errorf("types %v, %d events after, %d before", types, len(after.Events), len(before.Events))
	}
	for i, e := range after.Events {
		if e.ID != uint64(i+1) {
			t.Fatalf("event %d has id %d: the ids do not go on after the wake", i, e.ID)
		}
	}

	res := runBQL(t, s, `mutation { stopSessionRecording { success error } }`, nil)
	if got := string(res.Data["stopSessionRecording"]); got != `{"success":true,"error":null}` {
		t.Fatalf("stopSessionRecording: %s", got)
	}
	runBQL(t, s, typeInto, map[string]any{"url": pages.URL + "/form.html?third", "text": "not recorded"})
	if _, rec := srv.recording(t, s.ID, ""); rec.contains("not recorded") {
		t.Error("events after stopSessionRecording were recorded")
	}
	res = runBQL(t, s, `mutation { stopSessionRecording { success error } }`, nil)
	if got := string(res.Data["stopSessionRecording"]); !strings.Contains(got, `"success":false`) || !strings.Contains(got, "not recording") {
		t.Errorf("a second stopSessionRecording: %s", got)
	}
}

// TestRecordingKeptUntilRetention: a stopped session's recording answers
// until LOG_RETENTION runs out, then 404; a session that does not record
// answers an empty recording and cannot stop one.
func TestRecordingKeptUntilRetention(t *testing.T) {
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.LogRetention = time.Hour })
	s := srv.create(t, map[string]any{"stealth": true, "record": true})
	runBQL(t, s, `mutation { goto(url: "about:blank") { status } evaluate(content: "document.body.textContent = 'kept'") { value } }`, nil)
	if r := do(t, "DELETE", srv.URL+"/sessions/"+s.ID, nil); r.Status >= 300 {
		t.Fatalf("stop: %d %s", r.Status, r.Body)
	}
	status, rec := srv.recording(t, s.ID, "")
	if status != http.StatusOK || rec.types()[2] == 0 || !rec.contains("kept") {
		t.Fatalf("after stop: %d, types %v", status, rec.types())
	}
	srv.svc.ExpireLogs() // ended just now: kept
	if r := do(t, "GET", srv.URL+"/sessions/"+s.ID+"/replay", nil); r.Status != http.StatusOK {
		t.Fatalf("replay page within retention: %d", r.Status)
	}
	srv.stop()
	srv.cfg.LogRetention = time.Nanosecond
	srv.start(t)
	srv.svc.ExpireLogs()
	if status, _ := srv.recording(t, s.ID, ""); status != http.StatusNotFound {
		t.Fatalf("after retention: %d, want 404", status)
	}
	if r := do(t, "GET", srv.URL+"/sessions/"+s.ID+"/replay", nil); r.Status != http.StatusNotFound {
		t.Fatalf("replay page after retention: %d, want 404", r.Status)
	}

	plain := srv.create(t, map[string]any{"stealth": true})
	if status, rec := srv.recording(t, plain.ID, ""); status != http.StatusOK || len(rec.Events) != 0 {
		t.Errorf("a session that does not record: %d, %d events", status, len(rec.Events))
	}
	res := runBQL(t, plain, `mutation { stopSessionRecording { success error } }`, nil)
	if got := string(res.Data["stopSessionRecording"]); !strings.Contains(got, `"success":false`) {
		t.Errorf("stopSessionRecording without a recording: %s", got)
	}
}

// TestRecordingTruncatedAtMaxBytes: a recording that reaches
// RECORDING_MAX_BYTES keeps its beginning, stops, and says truncated.
func TestRecordingTruncatedAtMaxBytes(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.RecordingMaxBytes = 5000 })
	s := srv.create(t, map[string]any{"stealth": true, "record": true})
	runBQL(t, s, `mutation T($url: String!) { goto(url: $url) { status } type(selector: "#name", text: "a long text typed key by key, to make events") { text } }`, map[string]any{"url": pages.URL + "/form.html"})
	_, rec := srv.recording(t, s.ID, "")
	if !rec.Truncated || rec.types()[2] == 0 || rec.contains("make events") {
		t.Fatalf("truncated %v, types %v", rec.Truncated, rec.types())
	}
	size := 0
	for _, e := range rec.Events {
		raw, _ := json.Marshal(e)
		size += len(raw)
	}
	if size > 5000+1000 {
		t.Errorf("the recording holds %d bytes for a bound of 5000", size)
	}
}

// TestStealthRecordingPassesDetection: a stealth session that records
// passes the detection page, after the steps of a real request too, and
// its recording holds the detection page.
func TestStealthRecordingPassesDetection(t *testing.T) {
	pages := testutil.ServePages(t)
	detectSrv := testutil.ServeDetect(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true, "record": true})
	assertUndetected(t, detectBQL(t, s, detectSrv.URL("", "")))
	assertDocumentsHonest(t, detectSrv)
	res := runBQL(t, s, `mutation Work($form: String!, $detect: String!, $script: String!) {
		form: goto(url: $form) { status }
		type(selector: "#name", text: "Ada", delay: [0, 5]) { text }
		agree: click(selector: "#agree") { x }
		detect: goto(url: $detect) { status }
		done: waitForSelector(selector: "#verdict[data-status=done]", timeout: 60000) { selector }
		verdict: evaluate(content: $script, timeout: 60000) { value }
	}`, map[string]any{"form": pages.URL + "/form.html", "detect": detectSrv.URL("", ""), "script": testutil.DetectScript})
	assertUndetected(t, verdictOf(t, res, "verdict"))
	if _, rec := srv.recording(t, s.ID, ""); rec.types()[2] < 3 || !rec.contains("verdict") {
		t.Errorf("the recording misses documents: types %v", rec.types())
	}
}

// TestStealthRecordingViaCDPClients drives a stealth session that records
// with Puppeteer and Playwright (new pages, iframes, input, the session's
// own tab): every detection check passes with the recorder attached to
// each of their pages.
func TestStealthRecordingViaCDPClients(t *testing.T) {
	for _, c := range []struct{ name, script string }{{"puppeteer", "stealth-puppeteer.mjs"}, {"playwright", "stealth-playwright.mjs"}} {
		t.Run(c.name, func(t *testing.T) {
			detectSrv := testutil.ServeDetect(t)
			cdpNode(t, newServer(t), c.script, "DETECT_URL="+detectSrv.URL("Europe/Berlin", "de-DE"), `SESSION_OPTIONS={"timezone":"Europe/Berlin","locale":"de-DE","record":true}`)
		})
	}
}
