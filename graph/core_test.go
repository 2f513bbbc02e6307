package graph

import (
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

func TestCoreMutationsRunInOrder(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := post(t, srv.URL, `mutation SetDarkMode($url: String!) {
		goto(url: $url, waitUntil: networkIdle) { status text url time }
		click(selector: "div.toggle_vylO.colorModeToggle_x44X > button") { selector x y time }
		theme: evaluate(content: "return localStorage.getItem('theme');") { value time }
		title: evaluate(content: "document.title") { value }
	}`, map[string]any{"url": pages.URL + "/docs"})
	if res.Status != 200 || len(res.Errors) > 0 {
		t.Fatalf("status %d, errors %+v", res.Status, res.Errors)
	}
	nav := field[struct {
		Status int
		Text   string
		URL    string
		Time   float64
	}](t, res, "goto")
	if nav.Status != 200 || nav.Text != "OK" || nav.URL != pages.URL+"/docs/" || nav.Time <= 0 {
		t.Errorf("goto = %+v", nav)
	}
	if theme := field[struct{ Value string }](t, res, "theme"); theme.Value != "dark" {
		t.Errorf("theme = %q, want dark (the click ran before the evaluate)", theme.Value)
	}
	if title := field[struct{ Value string }](t, res, "title"); title.Value != "Docs" {
		t.Errorf("title = %q", title.Value)
	}
}

func TestFailingFieldIsNullAndLaterFieldsRun(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := post(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/click.html") { status }
		missing: click(selector: "#nope", timeout: 300) { x }
		bad: evaluate(content: "throw new Error('boom')") { value }
		nowhere: goto(url: "http://127.0.0.1:1/") { status }
		slow: evaluate(content: "await new Promise(() => {})", timeout: 200) { value }
		after: evaluate(content: "1 + 1") { value }
	}`, nil)
	if res.Status != 200 {
		t.Fatalf("status %d", res.Status)
	}
	want := map[string]string{"missing": "selector_not_found", "bad": "evaluation_failed", "nowhere": "navigation_failed", "slow": "timeout"}
	got := map[string]string{}
	for _, e := range res.Errors {
		if len(e.Path) == 1 {
			got[e.Path[0].(string)], _ = e.Extensions["code"].(string)
		}
	}
	for name, code := range want {
		if got[name] != code {
			t.Errorf("%s: code %q, want %q (errors %+v)", name, got[name], code, res.Errors)
		}
		if string(res.Data[name]) != "null" {
			t.Errorf("%s = %s, want null", name, res.Data[name])
		}
	}
	if after := field[struct{ Value string }](t, res, "after"); after.Value != "2" {
		t.Errorf("the field after the failures = %q, want 2", after.Value)
	}
	if !strings.Contains(res.Errors[1].Message, "boom") {
		t.Errorf("the evaluate error should carry the exception's message: %q", res.Errors[1].Message)
	}
}

func TestParseAndValidationErrorsAre400(t *testing.T) {
	srv := bqlServer(t)
	for _, q := range []string{`mutation {`, `mutation { nope }`, `mutation { goto { status } }`, `mutation { goto(url: 5) { status } }`} {
		res := post(t, srv.URL, q, nil)
		if res.Status != 400 || len(res.Errors) == 0 {
			t.Errorf("%q: status %d errors %v; want 400 with GraphQL errors", q, res.Status, res.Errors)
		}
	}
}
