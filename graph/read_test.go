package graph

import (
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

func TestReadMutations(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/list.html") { status }
		title { title time }
		url { url time }
		page: text { text time }
		first: text(selector: ".post .title") { text }
		html(selector: "#p2 .tag") { html time }
		doc: html { html }
		querySelector(selector: "#p1") { id className localName innerText innerHTML outerHTML childElementCount time }
		none: querySelector(selector: "#nope") { id }
		querySelectorAll(selector: "li.post") { id childElementCount }
		svg: querySelectorAll(selector: ".dot") { className localName }
		mapSelector(selector: "li.post") {
			id class innerText
			score: attribute(name: "data-score") { name value }
			title: mapSelector(selector: "a.title") { innerText href: attribute(name: "href") { value } }
			tags: mapSelector(selector: ".tag") { innerText }
			again: mapSelector(selector: ".tag") { class }
		}
		empty: mapSelector(selector: "table", wait: false) { id }
		badCSS: querySelector(selector: "li[") { id }
		missing: text(selector: "#nope", timeout: 300) { text }
		content(html: "<title>Replaced</title><p id=x>New body</p>") { time }
		after: text(selector: "#x") { text }
		newTitle: title { title }
	}`)
	wantErrors(t, res, map[string]string{"badCSS": "invalid_argument", "missing": "selector_not_found"})
	checks := []struct {
		name, got, want string
	}{
		{"title", field[struct{ Title string }](t, res, "title").Title, "List"},
		{"url", field[struct{ URL string }](t, res, "url").URL, pages.URL + "/list.html"},
		{"first", field[struct{ Text string }](t, res, "first").Text, "One"},
		{"html", field[struct{ HTML string }](t, res, "html").HTML, `<span class="tag">css</span>`},
		{"none", string(res.Data["none"]), "null"},
		{"empty", string(res.Data["empty"]), "[]"},
		{"after", field[struct{ Text string }](t, res, "after").Text, "New body"},
		{"newTitle", field[struct{ Title string }](t, res, "newTitle").Title, "Replaced"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if page := field[struct{ Text string }](t, res, "page").Text; !strings.Contains(page, "One") || !strings.Contains(page, "Three") {
		t.Errorf("page text = %q", page)
	}
	if doc := field[struct{ HTML string }](t, res, "doc").HTML; !strings.HasPrefix(doc, "<!DOCTYPE html><html>") || !strings.Contains(doc, `id="posts"`) {
		t.Errorf("document HTML starts %q", doc[:min(len(doc), 40)])
	}
	q := field[struct {
		ID, ClassName, LocalName, InnerText, InnerHTML, OuterHTML string
		ChildElementCount                                         int
	}](t, res, "querySelector")
	if q.ID != "p1" || q.ClassName != "post" || q.LocalName != "li" || q.ChildElementCount != 3 || !strings.HasPrefix(q.OuterHTML, `<li class="post" id="p1"`) || !strings.Contains(q.InnerHTML, `href="/one"`) || !strings.Contains(q.InnerText, "One") {
		t.Errorf("querySelector = %+v", q)
	}
	all := field[[]struct {
		ID                string
		ChildElementCount int
	}](t, res, "querySelectorAll")
	if len(all) != 3 || all[0].ID != "p1" || all[2].ID != "p3" || all[1].ChildElementCount != 2 {
		t.Errorf("querySelectorAll = %+v", all)
	}
	if svg := field[[]struct{ ClassName, LocalName string }](t, res, "svg"); len(svg) != 1 || svg[0].ClassName != "dot" || svg[0].LocalName != "circle" {
		t.Errorf("an SVG element's class = %+v", svg)
	}
	checkMapSelector(t, res)
}

func checkMapSelector(t *testing.T, res gqlResult) {
	t.Helper()
	type attr struct{ Name, Value *string }
	items := field[[]struct {
		ID, Class, InnerText string
		Score                attr
		Title                []struct {
			InnerText string
			Href      attr
		}
		Tags  []struct{ InnerText string }
		Again []struct{ Class string }
	}](t, res, "mapSelector")
	if len(items) != 3 {
		t.Fatalf("mapSelector gave %d items, want 3: %s", len(items), res.Data["mapSelector"])
	}
	one, three := items[0], items[2]
	if one.ID != "p1" || one.Class != "post" || *one.Score.Name != "data-score" || *one.Score.Value != "10" {
		t.Errorf("first item = %+v", one)
	}
	if len(one.Title) != 1 || one.Title[0].InnerText != "One" || *one.Title[0].Href.Value != "/one" {
		t.Errorf("nested title = %+v", one.Title)
	}
	if len(one.Tags) != 2 || one.Tags[1].InnerText != "web" || len(one.Again) != 2 || one.Again[0].Class != "tag" {
		t.Errorf("nested tags = %+v / %+v", one.Tags, one.Again)
	}
	if three.Score.Value != nil || len(three.Tags) != 0 {
		t.Errorf("an item without the attribute or the nested elements = %+v", three)
	}
}
