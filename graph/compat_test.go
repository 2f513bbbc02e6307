package graph

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// postBody sends a raw request body, as an exported IDE request is sent.
func postBody(t *testing.T, url, body string) gqlResult {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	res := gqlResult{Status: resp.StatusCode}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestBrowserlessReadForms runs the read steps as Browserless's reference
// and examples write them: html and text with clean and visible, the
// top-level attribute, innerText and currentURL, and mapSelector's wait.
func TestBrowserlessReadForms(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/compat.html") { status }
		cleaned: html(clean: {removeAttributes: true, removeNonTextNodes: true}) { html }
		part: html(selector: "#main", clean: {removeAttributes: true, attributes: ["id"], mode: allow, removeRegex: false}) { html }
		raw: html(selector: "#head") { html }
		heading: text(selector: "h1") { text }
		tidy: text(selector: "#main p", clean: {removeRegex: true}) { text }
		ghost: text(selector: "#ghost") { text }
		visibleP: querySelector(selector: "#ghost, #head", visible: true) { id }
		hiddenOnly: querySelector(selector: "#ghost", visible: true) { id }
		ghostVisible: text(selector: "#ghost", visible: true, timeout: 300) { text }
		description: attribute(selector: "meta[name='description']", name: "content") { value }
		noAttr: attribute(selector: "#head", name: "title") { name value }
		ip: innerText(selector: "h1") { innerText }
		currentURL { url }
		links: mapSelector(selector: "a") { text: innerText href: attribute(name: "href") { value } }
		late: mapSelector(selector: ".late", wait: true) { inner: mapSelector(selector: ".in", wait: true) { innerText } }
		none: mapSelector(selector: "table", wait: true, timeout: 300) { id }
	}`)
	wantErrors(t, res, map[string]string{"ghostVisible": "selector_not_found", "none": "selector_not_found"})
	cleaned := field[struct{ HTML string }](t, res, "cleaned").HTML
	for _, gone := range []string{"<script", "<style", "<img", "<svg", "class=", "data-id", "comment", "\n", "\t", "  "} {
		if strings.Contains(cleaned, gone) {
			t.Errorf("cleaned html still has %q: %s", gone, cleaned)
		}
	}
	if !strings.Contains(cleaned, "<h1>Hello, compat</h1>") || !strings.HasPrefix(cleaned, "<!DOCTYPE html>") {
		t.Errorf("cleaned html = %s", cleaned)
	}
	part := field[struct{ HTML string }](t, res, "part").HTML
	if !strings.Contains(part, `<h1 id="head">`) || strings.Contains(part, "class=") || !strings.Contains(part, "\n") {
		t.Errorf("allow-listed clean = %s", part)
	}
	checks := []struct{ name, got, want string }{
		{"raw", field[struct{ HTML string }](t, res, "raw").HTML, `<h1 id="head" class="title">Hello,   compat</h1>`},
		{"heading", field[struct{ Text string }](t, res, "heading").Text, "Hello, compat"},
		{"tidy", field[struct{ Text string }](t, res, "tidy").Text, "One two three"},
		{"ghost", field[struct{ Text string }](t, res, "ghost").Text, "Hidden text"},
		{"visibleP", string(res.Data["visibleP"]), `{"id":"head"}`},
		{"hiddenOnly", string(res.Data["hiddenOnly"]), "null"},
		{"description", field[struct{ Value string }](t, res, "description").Value, "Pages for Browserless's documented queries"},
		{"noAttr", string(res.Data["noAttr"]), `{"name":"title","value":null}`},
		{"ip", field[struct{ InnerText string }](t, res, "ip").InnerText, "Hello, compat"},
		{"currentURL", field[struct{ URL string }](t, res, "currentURL").URL, pages.URL + "/compat.html"},
		{"links", string(res.Data["links"]), `[{"text":"Go","href":{"value":"done.html"}}]`},
		{"late", string(res.Data["late"]), `[{"inner":[{"innerText":"Late"}]}]`},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

// TestBrowserlessStepForms runs Browserless's documented forms of the
// acting steps: content answering an HTTP response, click with
// waitForNavigation, evaluate(expression:), pdf(options:), waitForResponse
// and if/ifnot with codes and statuses, reconnect's fields, and a null
// Boolean where the schema has a default.
func TestBrowserlessStepForms(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		content(html: "<h1>Hello, World!</h1>") { status url time }
		goto(url: "`+pages.URL+`/form.html") { status }
		waitForResponse(codes: [200]) { status url }
		wrongCode: waitForResponse(codes: [404], url: "*form.html", timeout: 300) { status }
		if(response: {codes: [200]}) { seen: title { title } }
		ifnot(response: {statuses: [200]}) { unseen: title { title } }
		click(selector: "#submit", visible: null, scroll: null, waitForNavigation: true) { time }
		title { title }
		evaluate(
			expression: """
				localStorage.setItem('shoppingCart', JSON.stringify({items: [{id: 1}], totalItems: 1}));
				'state set'
			"""
		) { value }
		pdf(options: { printBackground: true, format: "A4", landscape: true }) { base64 }
		reconnect(timeout: 60000) { browserQLEndpoint browserWSEndpoint webSocketDebuggerUrl devtoolsFrontendUrl }
	}`)
	wantErrors(t, res, map[string]string{"wrongCode": "timeout"})
	content := field[struct {
		Status *int
		URL    string
	}](t, res, "content")
	if content.Status != nil || content.URL == "" {
		t.Errorf("content = %s", res.Data["content"])
	}
	if got := field[struct{ URL string }](t, res, "waitForResponse").URL; got != pages.URL+"/form.html" {
		t.Errorf("waitForResponse(codes: [200]) found %q", got)
	}
	if string(res.Data["if"]) != `{"seen":{"title":"Form"}}` || string(res.Data["ifnot"]) != "null" {
		t.Errorf("if = %s, ifnot = %s", res.Data["if"], res.Data["ifnot"])
	}
	if got := field[struct{ Title string }](t, res, "title").Title; got != "Done" {
		t.Errorf("title after click(waitForNavigation: true) = %q, want Done", got)
	}
	if got := evalString(t, res, "evaluate"); got != "state set" {
		t.Errorf("evaluate(expression:) = %q", got)
	}
	doc, _ := base64.StdEncoding.DecodeString(field[struct{ Base64 string }](t, res, "pdf").Base64)
	box := regexp.MustCompile(`/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]`).FindSubmatch(doc)
	if box == nil || string(box[1]) < string(box[2]) || !bytes.HasPrefix(box[1], []byte("84")) {
		t.Errorf("pdf(options: A4 landscape) media box = %q", box)
	}
	var re struct{ BrowserWSEndpoint, WebSocketDebuggerURL string }
	json.Unmarshal(res.Data["reconnect"], &re)
	if !strings.Contains(string(res.Data["reconnect"]), `"devtoolsFrontendUrl":null`) || re.BrowserWSEndpoint == "" {
		t.Errorf("reconnect = %s", res.Data["reconnect"])
	}
}

// TestBrowserlessDocuments runs documents as Browserless's IDE and docs
// send them: a query operation of mutations' fields, and "variables": "".
func TestBrowserlessDocuments(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	query := `query Stealth { goto(url: "` + pages.URL + `/list.html") { status } title { title } }`
	body, _ := json.Marshal(map[string]any{"query": query, "variables": "", "operationName": "Stealth"})
	res := postBody(t, srv.URL, string(body))
	if res.Status != 200 || len(res.Errors) > 0 {
		t.Fatalf("query document: status %d, errors %+v", res.Status, res.Errors)
	}
	if got := field[struct{ Title string }](t, res, "title").Title; got != "List" {
		t.Errorf("title = %q", got)
	}
	short := mutate(t, srv.URL, `{ url { url } title { title } }`)
	if got := field[struct{ Title string }](t, short, "title").Title; got != "List" {
		t.Errorf("a shorthand document: title = %q", got)
	}
	vars, _ := json.Marshal(map[string]any{"query": `mutation($u: String!) { goto(url: $u) { status } }`, "variables": `{"u": "` + pages.URL + `/list.html"}`})
	if res := postBody(t, srv.URL, string(vars)); res.Status != 200 || len(res.Errors) > 0 {
		t.Errorf("variables as a JSON string: status %d, errors %+v", res.Status, res.Errors)
	}
	if res := postBody(t, srv.URL, `{"query": "query { version }", "variables": 5}`); res.Status != 400 {
		t.Errorf("variables 5: status %d, want 400", res.Status)
	}
}

// TestPersistedQueryOfMutations sends a query document of mutations'
// fields as an automatic persisted query: its hash is of the text the
// client sent, and the hash alone runs it again.
func TestPersistedQueryOfMutations(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	query := `query { goto(url: "` + pages.URL + `/list.html") { status } title { title } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	full, _ := json.Marshal(map[string]any{"query": query, "extensions": ext})
	hashOnly, _ := json.Marshal(map[string]any{"extensions": ext})
	for _, body := range [][]byte{full, hashOnly} {
		res := postBody(t, srv.URL, string(body))
		if res.Status != 200 || len(res.Errors) > 0 {
			t.Fatalf("%s: status %d, errors %+v", body, res.Status, res.Errors)
		}
		if got := field[struct{ Title string }](t, res, "title").Title; got != "List" {
			t.Errorf("%s: title = %q", body, got)
		}
	}
}

// TestResponseWaitsByDefault is Browserless's documented response example:
// without wait, response waits for the first match.
func TestResponseWaitsByDefault(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/compat.html", waitUntil: commit) { status }
		late: response(url: "*pixel.png") { url status }
		none: response(url: "*nothing*", timeout: 300) { url }
		now: response(url: "*nothing*", wait: false) { url }
	}`)
	wantErrors(t, res, map[string]string{"none": "timeout"})
	if got := string(res.Data["late"]); got != `[{"url":"`+pages.URL+`/pixel.png","status":200}]` {
		t.Errorf("late = %s", got)
	}
	if got := string(res.Data["now"]); got != "[]" {
		t.Errorf("now = %s", got)
	}
}

// TestJavaScriptSelectors clicks and reads elements that JavaScript
// selectors return, as Browserless documents click(selector:
// "document.querySelector('button')").
func TestJavaScriptSelectors(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/list.html") { status }
		second: text(selector: "document.querySelectorAll('li.post')[1]") { text }
		found: text(selector: "[...document.querySelectorAll('a')].find((a) => a.textContent === 'Three')") { text }
		all: mapSelector(selector: "document.querySelectorAll('.tag')") { innerText }
		nothing: text(selector: "document.querySelector('#none')", timeout: 300) { text }
		badCSS: text(selector: "li[", timeout: 300) { text }
		other: goto(url: "`+pages.URL+`/click.html") { status }
		click(selector: "document.querySelector('#far')") { time }
		clicked: evaluate(content: "JSON.stringify(!!window.clicked?.trusted)") { value }
	}`)
	wantErrors(t, res, map[string]string{"nothing": "selector_not_found", "badCSS": "invalid_argument"})
	checks := []struct{ name, got, want string }{
		{"second", field[struct{ Text string }](t, res, "second").Text, "Twocss"},
		{"found", field[struct{ Text string }](t, res, "found").Text, "Three"},
		{"all", string(res.Data["all"]), `[{"innerText":"go"},{"innerText":"web"},{"innerText":"css"}]`},
		{"clicked", evalString(t, res, "clicked"), "true"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

// TestGotoThenWaitForNavigation is Browserless's waitForNavigation
// example: right after goto it answers goto's navigation; a second one
// waits for a new navigation.
func TestGotoThenWaitForNavigation(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/list.html", waitUntil: commit) { status }
		waitForNavigation(waitUntil: load, timeout: 5000) { status url }
		again: waitForNavigation(waitUntil: load, timeout: 300) { status }
	}`)
	wantErrors(t, res, map[string]string{"again": "timeout"})
	if got := string(res.Data["waitForNavigation"]); got != `{"status":200,"url":"`+pages.URL+`/list.html"}` {
		t.Errorf("waitForNavigation after goto = %s", got)
	}
}

// TestWaitAcrossNavigation waits for an element of the page a click's form
// submission loads, without waitForNavigation: the wait moves to the new
// document. Several rounds, because the old document may or may not be
// gone when the wait starts.
func TestWaitAcrossNavigation(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	for i := range 3 {
		res := mutate(t, srv.URL, `mutation {
			goto(url: "`+pages.URL+`/form.html") { status }
			type(selector: "#name", text: "r`+string(rune('0'+i))+`", delay: [0, 0]) { time }
			click(selector: "#submit") { time }
			waitForSelector(selector: "#query", timeout: 10000) { selector }
			text(selector: "#query") { text }
		}`)
		wantErrors(t, res, map[string]string{})
		if got := field[struct{ Text string }](t, res, "text").Text; !strings.Contains(got, "name=r"+string(rune('0'+i))) {
			t.Errorf("round %d: the next page says %q", i, got)
		}
	}
}

// TestDialogs opens alert, confirm and prompt: they are dismissed by
// default, accepted (with text) after dialog(), reported by dialogs, and
// the steps after them run.
func TestDialogs(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/dialogs.html") { status }
		alert: click(selector: "#alert") { time }
		confirm: click(selector: "#confirm") { time }
		dismissed: evaluate(content: "JSON.stringify([window.afterAlert, window.confirmed])") { value }
		dialog(accept: true, text: "Ada") { accept text }
		prompt: click(selector: "#prompt") { time }
		again: click(selector: "#confirm") { time }
		accepted: evaluate(content: "JSON.stringify([window.answer, window.confirmed])") { value }
		dialogs { type message defaultPrompt accepted text }
		title { title }
	}`)
	wantErrors(t, res, map[string]string{})
	if got := evalString(t, res, "dismissed"); got != "[true,false]" {
		t.Errorf("after the default dismissal = %s", got)
	}
	if got := evalString(t, res, "accepted"); got != `["Ada",true]` {
		t.Errorf("after dialog(accept: true, text: Ada) = %s", got)
	}
	want := `[{"type":"alert","message":"Hello","defaultPrompt":"","accepted":false,"text":""},` +
		`{"type":"confirm","message":"Sure?","defaultPrompt":"","accepted":false,"text":""},` +
		`{"type":"prompt","message":"Name?","defaultPrompt":"nobody","accepted":true,"text":"Ada"},` +
		`{"type":"confirm","message":"Sure?","defaultPrompt":"","accepted":true,"text":""}]`
	if got := string(res.Data["dialogs"]); got != want {
		t.Errorf("dialogs = %s", got)
	}
	// A dialog opened as a request ends is answered by the next request.
	mutate(t, srv.URL, `mutation { evaluate(content: "setTimeout(() => alert('late'), 0); 1") { value } }`)
	res = mutate(t, srv.URL, `mutation { title { title } }`)
	if got := field[struct{ Title string }](t, res, "title").Title; got != "Dialogs" {
		t.Errorf("after a late alert, title = %q", got)
	}
	// So is one that opened after a request ended, while no request
	// watched the tab. (On a machine too slow to open it within the
	// second, the next request's own watch answers it instead.)
	mutate(t, srv.URL, `mutation { evaluate(content: "setTimeout(() => alert('later'), 100); 1") { value } }`)
	time.Sleep(time.Second)
	res = mutate(t, srv.URL, `mutation { title { title } }`)
	wantErrors(t, res, map[string]string{})
	if got := field[struct{ Title string }](t, res, "title").Title; got != "Dialogs" {
		t.Errorf("after an alert opened between requests, title = %q", got)
	}
}

// TestNoNavigationLeftInFlight ends requests with a click that submits a
// form; the next request's goto must not meet that navigation.
func TestNoNavigationLeftInFlight(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	for i := range 4 {
		mutate(t, srv.URL, `mutation {
			goto(url: "`+pages.URL+`/form.html") { status }
			click(selector: "#submit") { time }
		}`)
		res := mutate(t, srv.URL, `mutation { goto(url: "`+pages.URL+`/list.html") { status } title { title } }`)
		wantErrors(t, res, map[string]string{})
		if got := field[struct{ Title string }](t, res, "title").Title; got != "List" {
			t.Errorf("round %d: title = %q", i, got)
		}
	}
}

// TestHistoryStatusFromCache goes back and forward between two pages that
// the back-forward cache keeps: status is each document's own.
func TestHistoryStatusFromCache(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		one: goto(url: "`+pages.URL+`/list.html") { status }
		two: goto(url: "`+pages.URL+`/form.html") { status }
		back { status url }
		forward { status url }
	}`)
	wantErrors(t, res, map[string]string{})
	if got := string(res.Data["back"]); got != `{"status":200,"url":"`+pages.URL+`/list.html"}` {
		t.Errorf("back = %s", got)
	}
	if got := string(res.Data["forward"]); got != `{"status":200,"url":"`+pages.URL+`/form.html"}` {
		t.Errorf("forward = %s", got)
	}
}

// TestDeepSelectorInALaterRequest uses deep selectors with a frame-URL
// pattern in requests after the one that loaded the page, and after a
// reload.
func TestDeepSelectorInALaterRequest(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	mutate(t, srv.URL, `mutation { goto(url: "`+pages.URL+`/frames.html") { status } title { title } }`)
	for i, q := range []string{
		`mutation { click(selector: "< *?same #inner") { x } text(selector: "< *frame.html?cross #where") { text } }`,
		`mutation { text(selector: "< *frame.html?cross #where") { text } click(selector: "< *?cross #inner") { x } }`,
		`mutation { reload { status } text(selector: "< *frame.html?cross #where") { text } click(selector: "< *?same #inner") { x } }`,
	} {
		res := mutate(t, srv.URL, q)
		wantErrors(t, res, map[string]string{})
		if got := field[struct{ Text string }](t, res, "text").Text; got != "frame cross" {
			t.Errorf("request %d: text = %q", i+2, got)
		}
	}
}

// TestCheckboxArguments is Browserless's checkbox example, with the wait,
// scroll and visible arguments its reference lists.
func TestCheckboxArguments(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/form.html") { status }
		checkbox(checked: true, selector: "input[type='checkbox']") { time }
		off: checkbox(selector: "#news", checked: false, wait: false, scroll: true, visible: true) { selector }
		absent: checkbox(selector: "#nope", checked: true, wait: false) { selector }
		state: evaluate(content: "JSON.stringify([agree.checked, news.checked])") { value }
	}`)
	wantErrors(t, res, map[string]string{"absent": "selector_not_found"})
	if got := evalString(t, res, "state"); got != "[true,false]" {
		t.Errorf("checkboxes = %s", got)
	}
}
