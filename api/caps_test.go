package api

import (
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// fieldCode is the extensions.code of the first error on a field.
func fieldCode(res bqlResult, field string) string {
	for _, e := range res.Errors {
		if len(e.Path) > 0 && e.Path[0] == field {
			code, _ := e.Extensions["code"].(string)
			return code
		}
	}
	return ""
}

// heapInUse is the server's live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestHugeAnswerIsRefusedWithoutTheServerHoldingIt: a script whose value is
// 200 MB answers answer_too_large, the server reads no more of it than
// MAX_ANSWER_BYTES (its heap does not grow by the value), and the session's
// next request works.
func TestHugeAnswerIsRefusedWithoutTheServerHoldingIt(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.MaxAnswerBytes = 4 << 20 })
	sess := srv.create(t, map[string]any{"stealth": true})
	bql(t, sess.BrowserQL, `mutation($u: String!) { goto(url: $u) { status } }`, map[string]any{"u": pages.URL + "/click.html"})
	before := heapInUse()
	status, res := bql(t, sess.BrowserQL, `mutation { big: evaluate(content: "'x'.repeat(200*1024*1024)") { value } after: evaluate(content: "1 + 1") { value } }`, nil)
	if status != 200 || fieldCode(res, "big") != "answer_too_large" {
		t.Fatalf("a 200 MB value: %d %+v; want the field to fail with answer_too_large", status, res.Errors)
	}
	if got := string(res.Data["after"]); !strings.Contains(got, `"2"`) {
		t.Errorf("the field after the refused one: %s", got)
	}
	if grew := int64(heapInUse()) - int64(before); grew > 64<<20 {
		t.Errorf("the server's heap grew by %d MB after refusing the value", grew>>20)
	}
	if _, res := bql(t, sess.BrowserQL, `mutation { evaluate(content: "document.title") { value } }`, nil); len(res.Errors) > 0 {
		t.Fatalf("the next request: %+v", res.Errors)
	}
}

// TestAnswerOverLimitAsAWhole: fields each under the limit whose answer
// together is over it give one answer_too_large error instead of the data.
func TestAnswerOverLimitAsAWhole(t *testing.T) {
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.MaxAnswerBytes = 4 << 20 })
	sess := srv.create(t, map[string]any{"stealth": true})
	q := `mutation { a: evaluate(content: "'a'.repeat(3*1024*1024)") { value } b: evaluate(content: "'b'.repeat(3*1024*1024)") { value } }`
	r := do(t, "POST", sess.BrowserQL, map[string]any{"query": q})
	res := decodeAs[bqlResult](t, r)
	if r.Status != 200 || len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "answer_too_large" || len(r.Body) > 4<<20 {
		t.Fatalf("two 3 MB fields under a 4 MB limit: %d, %d bytes, %+v", r.Status, len(r.Body), res.Errors)
	}
}

// TestFullPageScreenshotOfAHugePageIsRefused: a full-page screenshot of a
// 200 000 px page is refused up front with answer_too_large, never answered
// as a success with an empty image, and a viewport screenshot still works.
func TestFullPageScreenshotOfAHugePageIsRefused(t *testing.T) {
	srv := newServer(t)
	sess := srv.create(t, map[string]any{"stealth": true})
	start := time.Now()
	status, res := bql(t, sess.BrowserQL, `mutation {
		content(html: "<div style='height:200000px;background:linear-gradient(red,blue)'>tall</div>") { time }
		full: screenshot(fullPage: true) { base64 }
		view: screenshot { base64 }
	}`, nil)
	if status != 200 || fieldCode(res, "full") != "answer_too_large" {
		t.Fatalf("a full page of 200000 px: %d %+v; want answer_too_large", status, res.Errors)
	}
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("the refusal took %s; it should come before Chromium paints", elapsed)
	}
	if !strings.Contains(string(res.Data["view"]), `"base64":"`) || strings.Contains(string(res.Data["view"]), `"base64":""`) {
		t.Errorf("a viewport screenshot after it: %.100s", res.Data["view"])
	}
}

// TestTabsPastTheLimitAreClosed: a page that calls window.open 40 times
// leaves the browser with at most MAX_TABS tabs, and the session goes on.
func TestTabsPastTheLimitAreClosed(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.MaxTabs = 5 })
	sess := srv.create(t, map[string]any{"stealth": true})
	status, res := bql(t, sess.BrowserQL, `mutation($u: String!) {
		goto(url: $u) { status }
		evaluate(content: "for (let i = 0; i < 40; i++) window.open('about:blank?' + i); return 1") { value }
		waitForTimeout(time: 1000) { time }
	}`, map[string]any{"u": pages.URL + "/click.html"})
	if status != 200 || len(res.Errors) > 0 {
		t.Fatalf("opening 40 tabs: %d %+v", status, res.Errors)
	}
	c := cdpDial(t, sess.Connect, nil)
	var open int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if open = len(c.pages()); open <= 5 {
			break
		}
	}
	if open != 5 {
		t.Fatalf("%d tabs are open; MAX_TABS is 5 (the session's tab and four of its own)", open)
	}
	if _, res := bql(t, sess.BrowserQL, `mutation { title { title } }`, nil); len(res.Errors) > 0 {
		t.Fatalf("the session after its tabs were closed: %+v", res.Errors)
	}
	if r := do(t, "GET", srv.URL+"/sessions/"+sess.ID, nil); r.Status != http.StatusOK {
		t.Fatalf("the session: %d %s", r.Status, r.Body)
	}
}
