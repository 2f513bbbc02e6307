package api

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// detectTimeout bounds one run of the detection page, whose slowest probe,
// the service worker, gives up after 10 s.
const detectTimeout = 60 * time.Second

// detectQuery opens the detection page and reads its verdict.
const detectQuery = `mutation Detect($url: String!, $script: String!) {
	goto(url: $url) { status }
	verdict: evaluate(content: $script, timeout: 60000) { value }
}`

// detectBQL runs the detection page through BrowserQL on a session.
func detectBQL(t *testing.T, s sessionJSON, url string) *testutil.Detection {
	t.Helper()
	return verdictOf(t, runBQL(t, s, detectQuery, map[string]any{"url": url, "script": testutil.DetectScript}), "verdict")
}

// runBQL runs a request and fails the test on any error.
func runBQL(t *testing.T, s sessionJSON, query string, vars map[string]any) bqlResult {
	t.Helper()
	status, res := bql(t, s.BrowserQL, query, vars)
	if status != 200 || len(res.Errors) > 0 {
		t.Fatalf("status %d, errors %+v", status, res.Errors)
	}
	return res
}

func verdictOf(t *testing.T, res bqlResult, field string) *testutil.Detection {
	t.Helper()
	var v struct{ Value string }
	if err := json.Unmarshal(res.Data[field], &v); err != nil {
		t.Fatalf("%s: %s: %v", field, res.Data[field], err)
	}
	return testutil.ParseDetection(t, v.Value)
}

// assertUndetected fails the test unless every check of the page passed.
func assertUndetected(t *testing.T, d *testutil.Detection) {
	t.Helper()
	if !d.Undetected() {
		t.Fatalf("detected: %s\n%s", d.Summary(), d.Failing())
	}
	for _, r := range d.Fpscanner.Fired {
		if r.Severity != "low" {
			t.Errorf("fpscanner rule %s (%s) fired", r.Rule, r.Severity)
		}
	}
	if d.Page.Navigator.Webdriver != false || d.Iframe.Navigator.Webdriver != false {
		t.Errorf("navigator.webdriver is %v in the page and %v in the iframe, want false", d.Page.Navigator.Webdriver, d.Iframe.Navigator.Webdriver)
	}
}

// assertDocumentsHonest checks what the page cannot see: the headers of the
// documents the server served carry no "Headless", and their brand versions
// match the user agent's.
func assertDocumentsHonest(t *testing.T, srv *testutil.DetectServer) {
	t.Helper()
	docs := srv.DocumentHeaders()
	if len(docs) == 0 {
		t.Fatal("the detection server served no document")
	}
	for _, h := range docs {
		major := regexp.MustCompile(`Chrome/(\d+)`).FindStringSubmatch(h["user-agent"])
		if strings.Contains(strings.ToLower(strings.Join(values(h), "\n")), "headless") || major == nil ||
			!strings.Contains(h["sec-ch-ua"], `"Chromium";v="`+major[1]+`"`) || h["sec-ch-ua-platform"] != `"Linux"` {
			t.Errorf("document request headers give the browser away: %v", h)
		}
	}
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestPlainSessionIsDetected shows that the detection page can fail: a
// session without stealth, driven by the same engine steps as BrowserQL
// (which refuses such sessions), is a bot to BotD and fpscanner.
func TestPlainSessionIsDetected(t *testing.T) {
	t.Parallel()
	detectSrv := testutil.ServeDetect(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{})
	page, release, err := srv.svc.Acquire(context.Background(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, err := page.Goto(context.Background(), detectSrv.URL("", ""), "load", detectTimeout); err != nil {
		t.Fatal(err)
	}
	raw, err := page.Evaluate(context.Background(), testutil.DetectScript, detectTimeout)
	if err != nil || raw == nil {
		t.Fatalf("read the verdict: %v", err)
	}
	d := testutil.ParseDetection(t, *raw)
	if d.Pass || !d.Botd.Result.Bot || len(d.Fpscanner.Fired) < 2 {
		t.Fatalf("a plain session was not detected: %s", d.Summary())
	}
	for _, check := range []string{"desktop geometry: taskbar, window inside the available area, browser chrome (page)", "brands are Google Chrome's (page/iframe/workers/headers)"} {
		if d.Passed(check) {
			t.Errorf("a plain session passed %q", check)
		}
	}
}

// TestStealthSessionPassesDetection opens the detection page with
// BrowserQL in a stealth session with default options: nothing is detected,
// and the timezone is the server's unless that is UTC.
func TestStealthSessionPassesDetection(t *testing.T) {
	t.Parallel()
	detectSrv := testutil.ServeDetect(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	d := detectBQL(t, s, detectSrv.URL("", ""))
	assertUndetected(t, d)
	assertDocumentsHonest(t, detectSrv)
	tz := d.Page.Intl.Timezone
	if strings.Contains(tz, "UTC") || strings.HasSuffix(tz, "GMT") || tz == "" {
		t.Errorf("the default timezone is %q, a giveaway", tz)
	}
	for what, got := range map[string]string{"iframe": d.Iframe.Intl.Timezone, "worker": d.Worker.Intl.Timezone, "service worker": d.ServiceWorker.Intl.Timezone} {
		if got != tz {
			t.Errorf("the %s's timezone is %q, the page's %q", what, got, tz)
		}
	}
	sc := d.Page.Screen
	if w, h := sc["innerWidth"], sc["innerHeight"]; w != 1920 || h != 1080 {
		t.Errorf("inner size %vx%v, want the session's viewport 1920x1080", w, h)
	}
	if sc["availHeight"] >= sc["height"] || sc["outerHeight"] <= sc["innerHeight"] || sc["outerHeight"] > sc["availHeight"] {
		t.Errorf("not a desktop (taskbar, window inside the available area, browser chrome): %v", sc)
	}
	assertChromeBrands(t, d)
}

// assertChromeBrands checks that every context and header shows Google
// Chrome's brands: a stealth session on Chromium presents as Chrome.
func assertChromeBrands(t *testing.T, d *testutil.Detection) {
	t.Helper()
	for _, h := range []map[string]string{d.Headers.Page, d.Worker.Headers, d.ServiceWorker.Headers} {
		if ua, ok := h["sec-ch-ua"]; ok && !strings.Contains(ua, `"Google Chrome";v="`) {
			t.Errorf("sec-ch-ua %q names no Google Chrome", ua)
		}
	}
	if !d.Passed("brands are Google Chrome's (page/iframe/workers/headers)") {
		t.Errorf("the brands are not Google Chrome's:\n%s", d.Failing())
	}
}

// TestStealthClickCoordinates clicks with BrowserQL in a stealth session
// with a viewport of its own: the click's screen position agrees with the
// window's position and chrome, as a detector checks, and the page's inner
// size is the viewport; after BrowserQL's viewport step too, which keeps
// the desktop's geometry.
func TestStealthClickCoordinates(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true, "viewport": map[string]any{"width": 1280, "height": 720}})
	res := runBQL(t, s, `mutation Click($url: String!) {
		goto(url: $url) { status }
		click(selector: "#target") { x }
		agrees: evaluate(content: "window.clickAgrees()") { value }
		inner: evaluate(content: "innerWidth + 'x' + innerHeight") { value }
	}`, map[string]any{"url": pages.URL + "/geometry.html"})
	// BrowserQL's viewport step resizes the window rather than emulating,
	// so the page keeps its taskbar and chrome, and clicks still agree
	res2 := runBQL(t, s, `mutation Resize($desktop: String!) {
		viewport(width: 1366, height: 700) { width }
		click(selector: "#target") { x }
		agrees: evaluate(content: "window.clickAgrees()") { value }
		inner: evaluate(content: "innerWidth + 'x' + innerHeight") { value }
		desktop: evaluate(content: $desktop) { value }
	}`, map[string]any{"desktop": desktopScript})
	for _, c := range []struct {
		res         bqlResult
		field, want string
	}{{res, "agrees", "ok"}, {res, "inner", "1280x720"}, {res2, "agrees", "ok"}, {res2, "inner", "1366x700"}, {res2, "desktop", "ok"}} {
		var v struct{ Value string }
		json.Unmarshal(c.res.Data[c.field], &v)
		if v.Value != c.want {
			t.Errorf("%s: %s, want %s", c.field, c.res.Data[c.field], c.want)
		}
	}
}

// desktopScript says "ok" when the page's geometry is a desktop's: a
// taskbar, the window inside the available area, browser chrome above the
// page; else what is wrong.
const desktopScript = `(() => {
	const s = screen, out = [];
	if (!(s.availHeight < s.height)) out.push('no taskbar');
	if (screenX < s.availLeft || screenY < s.availTop || screenX + outerWidth > s.availLeft + s.availWidth || screenY + outerHeight > s.availTop + s.availHeight) out.push('window outside the available area');
	if (!(outerHeight > innerHeight)) out.push('no browser chrome');
	return out.length ? out.join(', ') + ' ' + JSON.stringify({w: s.width, h: s.height, ah: s.availHeight, x: screenX, y: screenY, ow: outerWidth, oh: outerHeight, iw: innerWidth, ih: innerHeight}) : 'ok';
})()`

// TestStealthSessionTimezoneAndLocale checks that the session's timezone and
// locale reach Intl, navigator.language(s) and Accept-Language in the page,
// its iframe and its workers.
func TestStealthSessionTimezoneAndLocale(t *testing.T) {
	t.Parallel()
	detectSrv := testutil.ServeDetect(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true, "timezone": "Europe/Berlin", "locale": "de-DE"})
	d := detectBQL(t, s, detectSrv.URL("Europe/Berlin", "de-DE"))
	assertUndetected(t, d)
	if got := d.Page.Navigator.Languages; len(got) == 0 || got[0] != "de-DE" {
		t.Errorf("navigator.languages = %v, want de-DE first", got)
	}
	docs := detectSrv.DocumentHeaders()
	if al := docs[len(docs)-1]["accept-language"]; !strings.HasPrefix(al, "de-DE,de;") {
		t.Errorf("Accept-Language: %q, want de-DE,de;q=0.9", al)
	}
	if d.Page.Intl.Locale != "de-DE" || d.Worker.Intl.Locale != "de-DE" || d.ServiceWorker.Intl.Timezone != "Europe/Berlin" {
		t.Errorf("Intl: page %+v, worker %+v, service worker %+v", d.Page.Intl, d.Worker.Intl, d.ServiceWorker.Intl)
	}
}

// TestStealthSessionUserAgentOption checks that a user agent chosen for the
// session reaches every context and header, with client hints whose
// versions agree with it. (A user agent of another operating system cannot
// pass: workers always report the server's navigator.platform.)
func TestStealthSessionUserAgentOption(t *testing.T) {
	t.Parallel()
	const ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36"
	detectSrv := testutil.ServeDetect(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true, "userAgent": ua, "timezone": "America/Chicago", "locale": "en-US"})
	d := detectBQL(t, s, detectSrv.URL("America/Chicago", "en-US"))
	assertUndetected(t, d)
	assertDocumentsHonest(t, detectSrv)
	if d.Page.Navigator.UserAgent != ua || d.ServiceWorker.Navigator.UserAgent != ua || d.Worker.Navigator.UserAgent != ua {
		t.Errorf("user agent %q, worker %q, service worker %q", d.Page.Navigator.UserAgent, d.Worker.Navigator.UserAgent, d.ServiceWorker.Navigator.UserAgent)
	}
	if fv := d.Headers.Page["sec-ch-ua-full-version-list"]; !strings.Contains(fv, `"Chromium";v="131.0.6778.85"`) {
		t.Errorf("sec-ch-ua-full-version-list %q, want Chromium 131.0.6778.85", fv)
	}
}

// TestStealthSurvivesBrowserQLActions runs the steps of a real request
// (goto, type, click, evaluate, text, waitForSelector) and then the
// detection page in the same tab: nothing the engine did is visible.
func TestStealthSurvivesBrowserQLActions(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	detectSrv := testutil.ServeDetect(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true, "timezone": "Asia/Tokyo", "locale": "ja-JP"})
	res := runBQL(t, s, `mutation Work($form: String!, $detect: String!, $script: String!) {
		form: goto(url: $form) { status }
		type(selector: "#name", text: "Ada", delay: [0, 5]) { text }
		agree: click(selector: "#agree") { x }
		typed: evaluate(content: "document.querySelector('#name').value") { value }
		waitForSelector(selector: "#submit") { selector }
		text(selector: "#f") { text }
		detect: goto(url: $detect) { status }
		done: waitForSelector(selector: "#verdict[data-status=done]", timeout: 60000) { selector }
		verdictClick: click(selector: "#verdict") { x }
		verdictText: text(selector: "#verdict") { text }
		verdict: evaluate(content: $script, timeout: 60000) { value }
	}`, map[string]any{"form": pages.URL + "/form.html", "detect": detectSrv.URL("Asia/Tokyo", "ja-JP"), "script": testutil.DetectScript})
	if typed := string(res.Data["typed"]); !strings.Contains(typed, "Ada") {
		t.Fatalf("typing did not happen: %s", typed)
	}
	assertUndetected(t, verdictOf(t, res, "verdict"))
}

// TestStealthAfterHibernation checks a woken browser: its identity is set
// again, and the service worker registered before runs with it.
func TestStealthAfterHibernation(t *testing.T) {
	t.Parallel()
	detectSrv := testutil.ServeDetect(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true, "timezone": "Europe/Paris", "locale": "fr-FR"})
	assertUndetected(t, detectBQL(t, s, detectSrv.URL("Europe/Paris", "fr-FR")))
	srv.restart(t)
	s.BrowserQL = srv.URL + "/sessions/" + s.ID + "/bql"
	assertUndetected(t, detectBQL(t, s, detectSrv.URL("Europe/Paris", "fr-FR")))
}

// TestStealthViaCDPClients drives stealth sessions with Puppeteer and
// Playwright: new pages, pages after scripts and input, pages with
// same-site and cross-site iframes, the session's own tab, a new browser
// context and a second connection. Stock clients enable the Runtime domain
// in the pages they attach to; the server's runtime shim answers it (see
// engine/internal/stealth/runtime_shim.go), so they must pass every check, as the
// Runtime-free forks do.
func TestStealthViaCDPClients(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, script string
		env          []string
	}{
		{"puppeteer", "stealth-puppeteer.mjs", nil},
		{"rebrowser-puppeteer", "stealth-puppeteer.mjs", []string{"PUPPETEER=rebrowser-puppeteer-core", "NO_CROSS_FRAME_TYPING=1", "NO_RECONNECT=1"}},
		{"playwright", "stealth-playwright.mjs", nil},
		{"patchright", "stealth-playwright.mjs", []string{"PLAYWRIGHT=patchright-core"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			detectSrv := testutil.ServeDetect(t)
			env := append(c.env, "DETECT_URL="+detectSrv.URL("Europe/Berlin", "de-DE"), `SESSION_OPTIONS={"timezone":"Europe/Berlin","locale":"de-DE"}`)
			cdpNode(t, newServer(t), c.script, env...)
		})
	}
}

// TestStealthClientFeatures runs, on a stealth session, the Puppeteer and
// Playwright features users rely on (exposed functions and bindings after
// navigations and in new pages, init scripts, dialogs, waitForFunction,
// evaluateHandle, frames, workers, the file chooser, downloads), and the
// same scripts on a plain session, which shows the scripts themselves are
// right. Each one the runtime shim broke is named in the failure.
func TestStealthClientFeatures(t *testing.T) {
	t.Parallel()
	for _, script := range []string{"stealth-features-puppeteer.mjs", "stealth-features-playwright.mjs"} {
		for _, options := range []string{`{"stealth":true}`, `{}`} {
			t.Run(script+options, func(t *testing.T) {
				t.Parallel()
				cdpNode(t, newServer(t), script, "SESSION_OPTIONS="+options)
			})
		}
	}
}
