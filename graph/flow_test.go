package graph

import (
	"encoding/json"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

func TestConditions(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/list.html") { status }
		present: if(selector: "#p1") {
			first: evaluate(content: "window.ran = ['present']; return 1;") { value }
			text(selector: "#p1 .title") { text }
			nested: if(selector: "#p2") { second: evaluate(content: "window.ran.push('nested'); return 2;") { value } }
		}
		absent: if(selector: "#nope") { evaluate(content: "window.ran.push('absent'); 3") { value } }
		negated: ifnot(selector: "#nope") { evaluate(content: "window.ran.push('negated'); 4") { value } }
		notNegated: ifnot(selector: "#p1") { evaluate(content: "window.ran.push('notNegated'); 5") { value } }
		requested: if(request: {url: ["*/list.html"]}) { evaluate(content: "window.ran.push('requested'); 6") { value } }
		notResponded: if(response: {url: ["*/list.html"], status: [404], operator: and}) { evaluate(content: "window.ran.push('404'); 7") { value } }
		invisible: if(selector: "li.post", visible: true) { evaluate(content: "window.ran.push('visible'); 8") { value } }
		both: if(selector: "#p1", request: {url: ["*"]}) { evaluate(content: "window.ran.push('both'); 9") { value } }
		failing: if(selector: "#p1") { bad: click(selector: "#nope", timeout: 200) { x } after: evaluate(content: "window.ran.push('after'); 10") { value } }
		ran: evaluate(content: "window.ran.join(',')") { value }
	}`)
	wantErrors(t, res, map[string]string{"both": "invalid_argument", "failing.bad": "selector_not_found"})
	for _, name := range []string{"absent", "notNegated", "notResponded", "both"} {
		if string(res.Data[name]) != "null" {
			t.Errorf("%s = %s, want null: its condition did not hold", name, res.Data[name])
		}
	}
	var present struct {
		First  struct{ Value string }
		Text   struct{ Text string }
		Nested struct{ Second struct{ Value string } }
	}
	json.Unmarshal(res.Data["present"], &present)
	if present.First.Value != "1" || present.Text.Text != "One" || present.Nested.Second.Value != "2" {
		t.Errorf("present = %s; want the nested results under the field", res.Data["present"])
	}
	if ran := evalString(t, res, "ran"); ran != "present,nested,negated,requested,visible,after" {
		t.Errorf("the nested mutations that ran: %q", ran)
	}
}

func TestExportsPreferencesReconnectAndScriptURL(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		path: evaluate(content: "'list.html'") { value @export(as: "page") }
		goto(url: "`+pages.URL+`/${page}") { status @export(as: "status") url }
		title { title @export(as: "title") }
		sub: evaluate(content: "'${title}/${status}/${unknown}'") { value }
		pick: text(selector: "#${id}") { text }
		id: evaluate(content: "'p2'") { value @export(as: "id") }
		picked: text(selector: "#${id} .title") { text }
		objectExport: title @export(as: "nope") { title }
		script: evaluate(url: "`+pages.URL+`/script.js") { value }
		missingScript: evaluate(url: "`+pages.URL+`/nope.js") { value }
		both: evaluate(content: "1", url: "`+pages.URL+`/script.js") { value }
		preferences(timeout: 400) { timeout time }
		slow: goto(url: "`+pages.URL+`/slow?ms=3000") { status }
		reconnect { browserQLEndpoint browserWSEndpoint time }
	}`)
	wantErrors(t, res, map[string]string{"pick": "invalid_argument", "objectExport": "invalid_argument", "missingScript": "evaluation_failed",
		"both": "invalid_argument", "slow": "timeout"})
	if s := evalString(t, res, "sub"); s != "List/200/${unknown}" {
		t.Errorf("substituted = %q, want exported values in place and the unknown name as it was", s)
	}
	if g := field[struct{ URL string }](t, res, "goto"); g.URL != pages.URL+"/list.html" {
		t.Errorf("goto with ${page} went to %q", g.URL)
	}
	if p := field[struct{ Text string }](t, res, "picked").Text; p != "Two" {
		t.Errorf("a selector with ${id} found %q", p)
	}
	if s := evalString(t, res, "script"); s != "p1,p2,p3" {
		t.Errorf("evaluate(url:) = %q", s)
	}
	if p := field[struct{ Timeout float64 }](t, res, "preferences"); p.Timeout != 400 {
		t.Errorf("preferences = %+v", p)
	}
	ends := testEndpoints(srv.URL)
	if r := field[struct{ BrowserQLEndpoint, BrowserWSEndpoint string }](t, res, "reconnect"); r.BrowserQLEndpoint != ends.BrowserQL || r.BrowserWSEndpoint != ends.Connect {
		t.Errorf("reconnect = %+v, want %+v", r, ends)
	}
	next := mutate(t, srv.URL, `mutation { preferences { timeout } sub: evaluate(content: "'${title}'") { value } }`)
	if p := field[struct{ Timeout float64 }](t, next, "preferences"); p.Timeout != 30000 {
		t.Errorf("the next request's timeout is %v, want the default 30000: preferences last one request", p.Timeout)
	}
	if s := evalString(t, next, "sub"); s != "${title}" {
		t.Errorf("exports leaked into the next request: %q", s)
	}
}
