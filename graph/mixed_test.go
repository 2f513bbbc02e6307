package graph

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestThirtyMixedMutations sends one request of thirty fields of many kinds,
// as a real script does, and checks every result.
func TestThirtyMixedMutations(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation Mixed {
		m01: preferences(timeout: 10000) { timeout }
		m02: viewport(width: 1000, height: 700) { width height }
		m03: goto(url: "`+pages.URL+`/form.html") { status url }
		m04: title { title }
		m05: type(selector: "#name", text: "Grace", delay: [0, 10]) { text }
		m06: select(selector: "#color", value: "blue") { value }
		m07: checkbox(selector: "#agree", checked: true) { selector }
		m08: evaluate(content: "document.getElementById('name').value") { value @export(as: "typed") }
		m09: scroll(y: 400) { x y }
		m10: scroll(selector: "#submit") { selector y }
		m11: hover(selector: "#submit") { selector }
		m12: hover(x: 5, y: 5) { x y }
		m13: click(selector: "#submit") { selector }
		m14: waitForNavigation { status }
		m15: url { url }
		m16: text(selector: "#query") { text }
		m17: goto(url: "`+pages.URL+`/list.html") { status }
		m18: querySelector(selector: "#p3") { id innerText }
		m19: querySelectorAll(selector: ".tag") { innerText }
		m20: mapSelector(selector: ".post") { id title: mapSelector(selector: ".title") { href: attribute(name: "href") { value } } }
		m21: html(selector: "#p3 a") { html }
		m22: waitForSelector(selector: "#p2", visible: true) { selector }
		m23: cookies(cookies: [{name: "who", value: "${typed}"}]) { cookies { name value } }
		m24: request(url: ["*/list.html"]) { method }
		m25: response(url: ["*/done.html*"]) { status }
		m26: if(selector: "#p1") { click(selector: "#p1 .title", wait: false) { selector } }
		m27: waitForNavigation { url }
		m28: back { url }
		m29: ifnot(selector: "#p1") { title { title } }
		m30: evaluate(content: "document.cookie") { value }
	}`)
	wantErrors(t, res, nil)
	if len(res.Data) != 30 {
		t.Fatalf("%d fields answered, want 30", len(res.Data))
	}
	want := map[string]string{
		"m01": `{"timeout":10000}`,
		"m02": `{"height":700,"width":1000}`,
		"m03": `{"status":200,"url":"` + pages.URL + `/form.html"}`,
		"m04": `{"title":"Form"}`,
		"m05": `{"text":"Grace"}`,
		"m06": `{"value":["blue"]}`,
		"m07": `{"selector":"#agree"}`,
		"m08": `{"value":"Grace"}`,
		"m09": `{"x":0,"y":400}`,
		"m11": `{"selector":"#submit"}`,
		"m12": `{"x":5,"y":5}`,
		"m13": `{"selector":"#submit"}`,
		"m14": `{"status":200}`,
		"m15": `{"url":"` + pages.URL + `/done.html?name=Grace&color=blue&agree=yes&news=yes"}`,
		"m16": `{"text":"name=Grace&color=blue&agree=yes&news=yes"}`,
		"m17": `{"status":200}`,
		"m18": `{"id":"p3","innerText":"Three"}`,
		"m19": `[{"innerText":"go"},{"innerText":"web"},{"innerText":"css"}]`,
		"m20": `[{"id":"p1","title":[{"href":{"value":"/one"}}]},{"id":"p2","title":[{"href":{"value":"/two"}}]},{"id":"p3","title":[{"href":{"value":"/three"}}]}]`,
		"m21": `{"html":"<a href=\"/three\" class=\"title\">Three</a>"}`,
		"m22": `{"selector":"#p2"}`,
		"m24": `[{"method":"GET"}]`,
		"m25": `[{"status":200}]`,
		"m26": `{"click":{"selector":"#p1 .title"}}`,
		"m27": `{"url":"` + pages.URL + `/one"}`,
		"m28": `{"url":"` + pages.URL + `/list.html"}`,
		"m29": `null`,
	}
	for name, w := range want {
		if got := compact(res.Data[name]); got != w {
			t.Errorf("%s = %s, want %s", name, got, w)
		}
	}
	if s := field[struct {
		Selector string
		Y        float64
	}](t, res, "m10"); s.Selector != "#submit" || s.Y <= 0 || s.Y >= 700 {
		t.Errorf("scroll to the submit button = %+v; want it in the viewport", s)
	}
	// The cookie jar is the browser's, shared with the tests running beside.
	if c := compact(res.Data["m23"]); !strings.Contains(c, `{"name":"who","value":"Grace"}`) {
		t.Errorf("m23 = %s", c)
	}
	if c := evalString(t, res, "m30"); !strings.Contains("; "+c+";", "; who=Grace;") {
		t.Errorf("document.cookie = %q, want who=Grace in it", c)
	}
}

// compact re-encodes JSON with sorted keys and no HTML escaping.
func compact(raw json.RawMessage) string {
	var v any
	json.Unmarshal(raw, &v)
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSpace(b.String())
}
