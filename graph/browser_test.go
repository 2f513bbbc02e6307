package graph

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

func TestCookiesHeadersAndEmulation(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/set-cookies") { status }
		read: cookies { cookies { name value domain path httpOnly secure session sameSite size expires } time }
		set: cookies(cookies: [{name: "flavor", value: "mint"}, {name: "far", value: "1", url: "`+pages.URL+`/elsewhere/", path: "/elsewhere", expires: 4102444800}]) { cookies { name value } }
		pageCookies: evaluate(content: "document.cookie") { value }
		badCookie: cookies(cookies: [{name: "x", value: "y", url: "not a url"}]) { time }
		setExtraHTTPHeaders(headers: [{name: "X-Trace", value: "t-1"}]) { time }
		userAgent(userAgent: "SessionQL-Test/1.0") { userAgent time }
		echo: goto(url: "`+pages.URL+`/echo") { status }
		echoed: evaluate(content: "document.body.innerText") { value }
		navigatorUA: evaluate(content: "navigator.userAgent") { value }
		viewport(width: 800, height: 600, deviceScaleFactor: 2) { width height deviceScaleFactor mobile time }
		size: evaluate(content: "[innerWidth, innerHeight, devicePixelRatio].join('x')") { value }
		badViewport: viewport(width: 0, height: 600) { width }
		jsBefore: javaScriptEnabled { enabled }
		jsOff: javaScriptEnabled(enabled: false) { enabled time }
		noScript: content(html: "<p id=p>static</p><script>document.getElementById('p').textContent = 'scripted'</script>") { time }
		staticText: text(selector: "#p") { text }
		jsOn: javaScriptEnabled(enabled: true) { enabled }
	}`)
	wantErrors(t, res, map[string]string{"badCookie": "invalid_argument", "badViewport": "invalid_argument"})
	type cookie struct {
		Name, Value, Domain, Path string
		HTTPOnly, Secure, Session bool
		SameSite                  *string
		Size                      int
		Expires                   float64
	}
	read := field[struct{ Cookies []cookie }](t, res, "read").Cookies
	byName := map[string]cookie{}
	for _, c := range read {
		byName[c.Name] = c
	}
	if s := byName["session"]; s.Value != "abc123" || s.Domain != "127.0.0.1" || s.Path != "/" || !s.Session || s.HTTPOnly || s.Size != len("session")+len("abc123") {
		t.Errorf("session cookie = %+v", s)
	}
	if s := byName["secret"]; s.Value != "s3" || !s.HTTPOnly || s.SameSite == nil || *s.SameSite != "Lax" {
		t.Errorf("HttpOnly cookie = %+v", s)
	}
	// The cookie jar is the browser's, shared with the tests running beside,
	// so only this test's cookies are checked.
	set := map[string]bool{}
	for _, c := range field[struct{ Cookies []cookie }](t, res, "set").Cookies {
		set[c.Name+"="+c.Value] = true
	}
	if !set["session=abc123"] || !set["secret=s3"] || !set["flavor=mint"] || set["far=1"] {
		t.Errorf("after setting, the page sends %v; want session, secret and flavor, and not far, which is for another path", set)
	}
	page := "; " + evalString(t, res, "pageCookies") + ";"
	if !strings.Contains(page, "; session=abc123;") || !strings.Contains(page, "; flavor=mint;") || strings.Contains(page, "secret=") {
		t.Errorf("document.cookie = %q", page)
	}
	var echoed struct{ Headers map[string]string }
	json.Unmarshal([]byte(evalString(t, res, "echoed")), &echoed)
	if echoed.Headers["X-Trace"] != "t-1" || echoed.Headers["User-Agent"] != "SessionQL-Test/1.0" || echoed.Headers["Cookie"] == "" {
		t.Errorf("the server saw headers %v", echoed.Headers)
	}
	if ua := evalString(t, res, "navigatorUA"); ua != "SessionQL-Test/1.0" {
		t.Errorf("navigator.userAgent = %q", ua)
	}
	if s := evalString(t, res, "size"); s != "800x600x2" {
		t.Errorf("viewport seen by the page = %s", s)
	}
	for name, want := range map[string]bool{"jsBefore": true, "jsOff": false, "jsOn": true} {
		if got := field[struct{ Enabled bool }](t, res, name).Enabled; got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if s := field[struct{ Text string }](t, res, "staticText").Text; s != "static" {
		t.Errorf("with JavaScript off the page's script ran: %q", s)
	}
}
