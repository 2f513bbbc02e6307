package graph

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestReferenceElementArguments runs the element steps with the arguments
// Browserless's reference lists for them: wait, scroll and visible on
// hover, scroll, select and type, type's interactable, querySelectorAll's
// visible, and select's value as one string.
func TestReferenceElementArguments(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/reference.html") { status }
		hover(selector: "#top", wait: false, scroll: true, visible: true) { selector }
		hoverAbsent: hover(selector: "#nope", wait: false) { selector }
		hoverHidden: hover(selector: "#hidden", visible: true, timeout: 300) { selector }
		scroll(selector: "#far", wait: false, visible: true) { y }
		scrollHidden: scroll(selector: "#hidden", visible: true, timeout: 300) { y }
		select(selector: "#size", value: "m", wait: true, scroll: true, visible: true) { value }
		selectAbsent: select(selector: "#nope", value: ["m"], wait: false) { value }
		type(selector: "#open", text: "hi", delay: [0, 0], wait: true, scroll: true, visible: true, interactable: true) { text }
		covered: type(selector: "#covered", text: "no", delay: [0, 0]) { text }
		coveredAnyway: type(selector: "#covered", text: "x", delay: [0, 0], interactable: false) { text }
		typeHidden: type(selector: "#hidden", text: "x", visible: true, timeout: 300) { text }
		shown: querySelectorAll(selector: ".item", visible: true) { innerText }
		all: querySelectorAll(selector: ".item") { innerText }
		state: evaluate(content: "JSON.stringify(['open', 'covered', 'size'].map((id) => document.getElementById(id).value))") { value }
	}`)
	wantErrors(t, res, map[string]string{
		"hoverAbsent": "selector_not_found", "hoverHidden": "selector_not_found", "scrollHidden": "selector_not_found",
		"selectAbsent": "selector_not_found", "covered": "evaluation_failed", "typeHidden": "selector_not_found",
	})
	if msg := errorMessages(res)["covered"]; !strings.Contains(msg, "interactable: false") {
		t.Errorf("covered: the message does not say what to do: %s", msg)
	}
	if got := string(res.Data["select"]); got != `{"value":["m"]}` {
		t.Errorf("select(value: \"m\") = %s", got)
	}
	if y := field[struct{ Y float64 }](t, res, "scroll").Y; y <= 0 {
		t.Errorf("scroll to #far: y = %v", y)
	}
	if got := string(res.Data["shown"]); got != `[{"innerText":"One"},{"innerText":"Three"}]` {
		t.Errorf("querySelectorAll(visible: true) = %s", got)
	}
	if n := len(field[[]any](t, res, "all")); n != 3 {
		t.Errorf("querySelectorAll = %d elements, want 3", n)
	}
	if got := evalString(t, res, "state"); got != `["hi","","m"]` {
		t.Errorf("inputs = %s", got)
	}
}

// TestReferenceCaptureArguments runs screenshot and pdf with the arguments
// Browserless's reference lists: a fractional quality, the capture
// switches, waitForImages, lengths as numbers, and the PDF's outline, tags
// and transfer mode.
func TestReferenceCaptureArguments(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	bad := mutate(t, srv.URL, `mutation { pdf(width: true) { size } }`)
	if len(bad.Errors) != 1 || bad.Errors[0].Extensions["code"] != "invalid_argument" || bad.Errors[0].Message != "A number or a string is needed, not a Boolean." {
		t.Errorf("pdf(width: true): %+v", bad.Errors)
	}
	bad = mutate(t, srv.URL, `mutation { pdf(transferMode: "ReturnAsFile") { size } }`)
	if len(bad.Errors) != 1 || bad.Errors[0].Extensions["code"] != "invalid_argument" || !strings.Contains(bad.Errors[0].Message, "ReturnAsStream") {
		t.Errorf("pdf(transferMode: \"ReturnAsFile\"): %+v", bad.Errors)
	}
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/reference.html") { status }
		screenshot(type: jpeg, quality: 50.5, optimizeForSpeed: true, fromSurface: true, captureBeyondViewport: false, waitForImages: true) { base64 format }
		loaded: evaluate(content: "document.getElementById('late').complete") { value }
		pdf(width: 800, height: "11in", marginTop: 10, generateDocumentOutline: true, generateTaggedPDF: true, transferMode: "ReturnAsStream", waitForImages: true) { base64 size }
		older: pdf(options: {width: 816, height: 1056, margin: {top: 0}}) { size }
	}`)
	wantErrors(t, res, nil)
	shot := field[struct{ Base64, Format string }](t, res, "screenshot")
	img, _ := base64.StdEncoding.DecodeString(shot.Base64)
	if shot.Format != "jpeg" || !bytes.HasPrefix(img, []byte{0xff, 0xd8}) {
		t.Errorf("screenshot: format %q, %d bytes", shot.Format, len(img))
	}
	if got := evalString(t, res, "loaded"); got != "true" {
		t.Errorf("after screenshot(waitForImages: true) the late image is not complete: %s", got)
	}
	doc, _ := base64.StdEncoding.DecodeString(field[struct{ Base64 string }](t, res, "pdf").Base64)
	if !bytes.HasPrefix(doc, []byte("%PDF")) || !bytes.Contains(doc, []byte("/MediaBox [0 0 600 792]")) {
		t.Errorf("pdf(width: 800, height: \"11in\"): not an 800px × 11in PDF (%d bytes)", len(doc))
	}
	if !bytes.Contains(doc, []byte("/Outlines")) || !bytes.Contains(doc, []byte("/StructTreeRoot")) {
		t.Errorf("pdf: no outline or structure tree in the document")
	}
}

// TestReferenceServiceFields runs Browserless's documented examples of what
// sessionql cannot serve (solve, verify, its residential proxies): each is
// accepted by the schema and answered with an error that says what to use
// instead. The same request also runs the reference's other defaults and
// types: request waits for a first match, viewport takes fractional sizes,
// preferences' timeout defaults to 30000, a cookie has a url field, and
// variables may be declared with Browserless's type names.
func TestReferenceServiceFields(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation SolveCaptcha {
		goto(url: "`+pages.URL+`/compat.html", waitUntil: commit) { status }
		late: request(url: "*pixel.png") { url }
		solve { found solved time token }
		typed: solve(type: recaptcha) { found solved time }
		verify(type: cloudflare) { found solved time }
		residential: proxy(country: US, sticky: true, url: "*") { time }
		noServer: proxy(url: "*") { time }
		viewport(width: 1024.4, height: 700) { width height }
		inner: evaluate(content: "innerWidth") { value }
		preferences { timeout }
		cookies(cookies: [{name: "c", value: "1"}]) { cookies { name url } }
	}`)
	wantErrors(t, res, map[string]string{"solve": "invalid_argument", "typed": "invalid_argument", "verify": "invalid_argument", "residential": "invalid_argument", "noServer": "invalid_argument"})
	msgs := errorMessages(res)
	for name, want := range map[string]string{"solve": "does not solve captchas", "verify": "does not solve captchas", "residential": "give server", "noServer": "needs server"} {
		if !strings.Contains(msgs[name], want) {
			t.Errorf("%s: message %q does not say %q", name, msgs[name], want)
		}
	}
	if got := string(res.Data["late"]); got != `[{"url":"`+pages.URL+`/pixel.png"}]` {
		t.Errorf("request waits for its first match by default: %s", got)
	}
	if got := string(res.Data["viewport"]); got != `{"width":1024,"height":700}` {
		t.Errorf("viewport(width: 1024.4) = %s", got)
	}
	if got := evalString(t, res, "inner"); got != "1024" {
		t.Errorf("innerWidth = %s", got)
	}
	if got := string(res.Data["preferences"]); got != `{"timeout":30000}` {
		t.Errorf("preferences = %s", got)
	}
	if got := string(res.Data["cookies"]); !strings.Contains(got, `{"name":"c","url":null}`) {
		t.Errorf("cookies = %s", got)
	}
	body, _ := json.Marshal(map[string]any{
		"query": `mutation($op: OperatorTypes, $fmt: PDFPageFormat, $cond: ResponseInput, $v: StringOrArray!, $w: FloatOrString) {
			goto(url: "` + pages.URL + `/form.html") { status }
			request(url: ["*/form.html"], operator: $op) { url }
			if(response: $cond) { title { title } }
			select(selector: "#tags", value: $v) { value }
			pdf(format: $fmt, width: $w) { size }
		}`,
		"variables": map[string]any{"op": "and", "fmt": "a4", "cond": map[string]any{"codes": []int{200}}, "v": []string{"a", "c"}, "w": 700},
	})
	vars := postBody(t, srv.URL, string(body))
	wantErrors(t, vars, nil)
	if got := string(vars.Data["select"]); got != `{"value":["a","c"]}` {
		t.Errorf("select(value: $v) = %s", got)
	}
	if got := string(vars.Data["if"]); got != `{"title":{"title":"Form"}}` {
		t.Errorf("if(response: $cond) = %s", got)
	}
}
