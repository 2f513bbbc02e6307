package graph

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

func TestFormMutations(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/form.html") { status }
		type(selector: "#name", text: "Ada L", delay: [5, 30]) { selector text x y time }
		keys: evaluate(content: "JSON.stringify(keys.map((k) => [k.key, k.trusted]))") { value }
		value: evaluate(content: "document.getElementById('name').value") { value }
		color: select(selector: "#color", value: "green") { selector value x y time }
		byText: select(selector: "#tags", value: ["Alpha", "c"]) { value }
		badValue: select(selector: "#color", value: "purple") { value }
		tooMany: select(selector: "#color", value: ["red", "blue"]) { value }
		notSelect: select(selector: "#name", value: "x") { value }
		agree: checkbox(selector: "#agree", checked: true) { selector x y time }
		again: checkbox(selector: "#agree", checked: true) { selector }
		news: checkbox(selector: "#news", checked: false) { selector }
		notBox: checkbox(selector: "#color", checked: true) { selector }
		changes: evaluate(content: "changes.join(',')") { value }
		hover(selector: "#submit") { selector x y time }
		hovered: evaluate(content: "JSON.stringify(hovered)") { value }
		away: hover(x: 1, y: 1) { x y }
		noPoint: hover(x: 1) { x }
		submit: click(selector: "#submit") { x y }
		waitForNavigation { status url }
		query: text(selector: "#query") { text }
		missing: type(selector: "#gone", text: "x", timeout: 300) { x }
	}`)
	wantErrors(t, res, map[string]string{"badValue": "invalid_argument", "tooMany": "invalid_argument", "notSelect": "invalid_argument",
		"notBox": "invalid_argument", "missing": "selector_not_found", "noPoint": "invalid_argument"})
	typed := field[struct {
		Selector, Text string
		X, Y, Time     float64
	}](t, res, "type")
	if typed.Selector != "#name" || typed.Text != "Ada L" || typed.X <= 0 || typed.Y <= 0 || typed.Time <= 0 {
		t.Errorf("type = %+v", typed)
	}
	var keys [][2]any
	json.Unmarshal([]byte(evalString(t, res, "keys")), &keys)
	if len(keys) != 5 || keys[0][0] != "A" || keys[4][0] != "L" || keys[3][0] != " " {
		t.Errorf("the page saw these keydowns: %v; want one per character", keys)
	}
	for _, k := range keys {
		if k[1] != true {
			t.Errorf("keydown %v was not trusted: typing must send real key events", k)
		}
	}
	if v := evalString(t, res, "value"); v != "Ada L" {
		t.Errorf("the field holds %q", v)
	}
	if c := field[struct{ Value []string }](t, res, "color"); len(c.Value) != 1 || c.Value[0] != "green" {
		t.Errorf("select = %+v", c)
	}
	if c := field[struct{ Value []string }](t, res, "byText"); strings.Join(c.Value, ",") != "a,c" {
		t.Errorf("select by text and value = %+v, want a,c", c)
	}
	if c := evalString(t, res, "changes"); c != "color,tags,agree,news" {
		t.Errorf("change events = %q; select and checkbox must fire change once per real change", c)
	}
	if h := evalString(t, res, "hovered"); h != "[true]" {
		t.Errorf("the button saw mouseover events %s; want one trusted one", h)
	}
	if nav := field[struct {
		Status int
		URL    string
	}](t, res, "waitForNavigation"); nav.Status != 200 || !strings.Contains(nav.URL, "/done.html?") {
		t.Errorf("waitForNavigation = %+v", nav)
	}
	if q := field[struct{ Text string }](t, res, "query").Text; q != "name=Ada L&color=green&tags=a&tags=c&agree=yes" && q != "name=Ada+L&color=green&tags=a&tags=c&agree=yes" {
		t.Errorf("the form sent %q", q)
	}
}
