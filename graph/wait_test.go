package graph

import (
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

func TestWaitMutations(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/delayed.html", waitUntil: domContentLoaded) { status }
		waitForSelector(selector: "#late") { selector x y width height time }
		shown: waitForSelector(selector: "#hidden", visible: true) { height }
		never: waitForSelector(selector: "#never", visible: true, timeout: 400) { height }
		missing: waitForSelector(selector: "#nope", timeout: 300) { height }
		waitForTimeout(time: 50) { time }
		badTime: waitForTimeout(time: -1) { time }
		fetch: click(selector: "#fetch") { x }
		waitForRequest(url: "*/echo?from=button", method: POST) { url method time }
		waitForResponse(url: "*/echo*", statuses: [200]) { url status time }
		noRequest: waitForRequest(url: "*/never*", timeout: 300) { url }
		noStatus: waitForResponse(url: "*/echo*", statuses: [500], timeout: 300) { url }
		later: click(selector: "#later") { x }
		waitForNavigation(waitUntil: load) { status text url time }
		idle: goto(url: "`+pages.URL+`/docs/", waitUntil: networkIdle) { status }
		late: evaluate(content: "window.late === true") { value }
		nothing: waitForNavigation(timeout: 300) { status }
	}`)
	wantErrors(t, res, map[string]string{"never": "selector_not_found", "missing": "selector_not_found", "badTime": "invalid_argument",
		"noRequest": "timeout", "noStatus": "timeout", "nothing": "timeout"})
	box := field[struct {
		Selector                  string
		X, Y, Width, Height, Time float64
	}](t, res, "waitForSelector")
	if box.Selector != "#late" || box.Width <= 0 || box.Height <= 0 || box.Time <= 0 {
		t.Errorf("waitForSelector = %+v", box)
	}
	if h := field[struct{ Height float64 }](t, res, "shown").Height; h <= 0 {
		t.Errorf("an element that became visible has height %v", h)
	}
	if w := field[struct{ Time float64 }](t, res, "waitForTimeout"); w.Time <= 0 {
		t.Errorf("waitForTimeout = %+v", w)
	}
	if r := field[struct{ URL, Method string }](t, res, "waitForRequest"); !strings.HasSuffix(r.URL, "/echo?from=button") || r.Method != "POST" {
		t.Errorf("waitForRequest = %+v", r)
	}
	if r := field[struct {
		URL    string
		Status int
	}](t, res, "waitForResponse"); r.Status != 200 || !strings.Contains(r.URL, "/echo") {
		t.Errorf("waitForResponse = %+v", r)
	}
	nav := field[struct {
		Status    int
		Text, URL string
	}](t, res, "waitForNavigation")
	if nav.Status != 200 || nav.Text != "OK" || nav.URL != pages.URL+"/done.html?from=delayed" {
		t.Errorf("waitForNavigation = %+v; want the navigation the click started after it returned", nav)
	}
	if v := evalString(t, res, "late"); v != "true" {
		t.Errorf("after goto networkIdle the late request's result = %q, want true", v)
	}
}

func TestHistoryMutations(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		start: back { status url }
		one: goto(url: "`+pages.URL+`/list.html") { status }
		two: goto(url: "`+pages.URL+`/form.html") { status }
		mark: evaluate(content: "window.mark = 1") { value }
		back(waitUntil: load) { status url time }
		forward(waitUntil: domContentLoaded) { url }
		end: forward { url }
		reload(waitUntil: networkIdle) { status text url }
		marked: evaluate(content: "String(window.mark)") { value }
		hash: evaluate(content: "history.pushState({}, '', '#two'); 1") { value }
		sameDoc: back(waitUntil: commit) { status url }
		slow: goto(url: "`+pages.URL+`/slow?ms=2000", timeout: 300) { status }
	}`)
	wantErrors(t, res, map[string]string{"slow": "timeout"})
	if s := string(res.Data["start"]); s != "null" {
		t.Errorf("back with no history = %s, want null", s)
	}
	if s := string(res.Data["end"]); s != "null" {
		t.Errorf("forward at the newest entry = %s, want null", s)
	}
	if b := field[struct{ URL string }](t, res, "back"); b.URL != pages.URL+"/list.html" {
		t.Errorf("back = %+v", b)
	}
	if f := field[struct{ URL string }](t, res, "forward"); f.URL != pages.URL+"/form.html" {
		t.Errorf("forward = %+v", f)
	}
	r := field[struct {
		Status    int
		Text, URL string
	}](t, res, "reload")
	if r.Status != 200 || r.URL != pages.URL+"/form.html" {
		t.Errorf("reload = %+v", r)
	}
	if m := evalString(t, res, "marked"); m != "undefined" {
		t.Errorf("after reload the page's state is %q, want a fresh page", m)
	}
	if s := field[struct {
		Status *int
		URL    string
	}](t, res, "sameDoc"); s.Status != nil || s.URL != pages.URL+"/form.html" {
		t.Errorf("back within the document = %+v, want the URL without the hash and no status", s)
	}
}
