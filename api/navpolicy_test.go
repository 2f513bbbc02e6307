package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestBrowserQLGotoRefusesTheServersFiles tries file: and the browser's own
// URLs with goto: refused with a message that names the setting, unless the
// operator allows them.
func TestBrowserQLGotoRefusesTheServersFiles(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	for _, url := range []string{"file:///etc/hostname", "chrome://version", "view-source:file:///etc/hostname", "about:version"} {
		_, res := bql(t, s.BrowserQL, `mutation($url: String!) { goto(url: $url) { status } }`, map[string]any{"url": url})
		if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "navigation_failed" || !strings.Contains(res.Errors[0].Message, "ALLOW_FILE_URLS=true") {
			t.Errorf("goto %s: %+v, want navigation_failed naming ALLOW_FILE_URLS", url, res.Errors)
		}
	}

	_, res := bql(t, s.BrowserQL, `mutation { evaluate(url: "file:///etc/hostname") { value } }`, nil)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "ALLOW_FILE_URLS=true") {
		t.Errorf("evaluate(url: file:…): %+v, want a refusal naming ALLOW_FILE_URLS", res.Errors)
	}

	open := newServer(t, func(c *sessionsConfig, _ *Config) { c.AllowFileURLs = true })
	s = open.create(t, map[string]any{"stealth": true})
	_, res = bql(t, s.BrowserQL, `mutation { goto(url: "file:///etc/hostname") { url } }`, nil)
	if len(res.Errors) != 0 {
		t.Errorf("with ALLOW_FILE_URLS a file: URL was refused: %+v", res.Errors)
	}
}

// TestPagesCannotOpenTheServersFiles tries what a page itself can do: a
// link, a link to chrome:, window.open, an iframe, location= from a script,
// the same from a data: page, and a redirect. Chromium refuses all of them
// to web pages; the test checks that no tab or frame ever shows such a URL.
func TestPagesCannotOpenTheServersFiles(t *testing.T) {
	srv := newServer(t)
	pages := testutil.ServePages(t)
	s := srv.create(t, map[string]any{})
	c := cdpDial(t, s.Connect, nil)
	tab := c.open(pages.URL + "/local.html")
	for _, js := range []string{
		`document.getElementById('file').click()`,
		`document.getElementById('chrome').click()`,
		`window.open('file:///etc/hostname'); 1`,
		`document.body.insertAdjacentHTML('beforeend', '<iframe src="file:///etc/hostname"></iframe>'); 1`,
		`location = 'file:///etc/hostname'; 1`,
	} {
		c.eval(tab, js)
		time.Sleep(time.Second) // long enough for a navigation that Chromium allowed to commit
		checkNoLocalURL(t, c, js)
	}
	dataTab := c.open("data:text/html,<p>data")
	c.eval(dataTab, `location = 'file:///etc/hostname'; 1`)
	time.Sleep(time.Second)
	checkNoLocalURL(t, c, "location= from a data: page")

	var nav struct{ ErrorText string }
	json.Unmarshal(c.call(tab, "Page.navigate", map[string]any{"url": pages.URL + "/redirect?to=file:///etc/hostname"}), &nav)
	if nav.ErrorText == "" {
		t.Errorf("a redirect to file: was followed")
	}
	checkNoLocalURL(t, c, "a redirect")
}

// checkNoLocalURL fails the test when a tab or one of its frames shows a
// file: or chrome: URL.
func checkNoLocalURL(t *testing.T, c *cdpClient, what string) {
	t.Helper()
	var targets struct{ TargetInfos []struct{ Type, URL string } }
	json.Unmarshal(c.call("", "Target.getTargets", nil), &targets)
	for _, ti := range targets.TargetInfos {
		if ti.Type != "browser_ui" && (strings.HasPrefix(ti.URL, "file:") || strings.HasPrefix(ti.URL, "chrome:")) {
			t.Errorf("%s: a %s shows %s", what, ti.Type, ti.URL)
		}
	}
	if raw := c.callRaw("", "Target.getTargets", nil); strings.Contains(string(raw.Result), `"url":"file:`) {
		t.Errorf("%s: a target shows a file: URL", what)
	}
}
