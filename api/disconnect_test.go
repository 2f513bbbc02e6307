//go:build linux

package api

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestConnectPuppeteerLeavingLogsNoWarning: however a Puppeteer client
// leaves (closing every tab first, browser.disconnect(), browser.close()),
// the save that follows logs no warning, and the cookies (a session cookie
// too) and localStorage it wrote are there on the next BrowserQL request.
func TestConnectPuppeteerLeavingLogsNoWarning(t *testing.T) {
	for _, leave := range []string{"close-tabs", "disconnect", "close"} {
		t.Run(leave, func(t *testing.T) {
			logs := captureLogs(t)
			srv := newServer(t)
			left := leavePuppeteer(t, srv, "LEAVE="+leave, "SESSION_COOKIE=1")
			waitIdle(t, srv)
			if warned := grepLines(logs.String(), "level=WARN|level=ERROR"); warned != "" {
				t.Errorf("leaving with %s logged:\n%s", leave, warned)
			}
			read := `mutation($u: String!) { goto(url: $u) { status } evaluate(content: "return localStorage.getItem('cart') + ' ' + document.cookie") { value } }`
			status, res := bql(t, left.Session.BrowserQL, read, map[string]any{"u": left.PageURL})
			if status != 200 || len(res.Errors) > 0 {
				t.Fatalf("BrowserQL after leaving: %d %+v", status, res.Errors)
			}
			var got struct{ Value string }
			if err := json.Unmarshal(res.Data["evaluate"], &got); err != nil || got.Value != "[1,2] user=ada; visit=1" {
				t.Errorf("state after leaving with %s: %s (%v), want the cart and both cookies", leave, res.Data["evaluate"], err)
			}
		})
	}
}

// TestConnectPuppeteerLeavingKeepsSessionCookieAcrossHibernation: a
// Puppeteer client writes a session cookie, then closes every tab (the
// engine's included) or the browser, and leaves; the session hibernates at
// the server's restart. Chromium never writes session cookies to the
// profile, so only the server's saved state keeps it, and that save must
// not depend on the tab the client closed. Closing every tab must not
// empty the jar either: Chromium deletes the session cookies when a
// profile's last window closes, which the engine's guard tab prevents.
func TestConnectPuppeteerLeavingKeepsSessionCookieAcrossHibernation(t *testing.T) {
	for _, leave := range []string{"close-tabs", "close"} {
		t.Run(leave, func(t *testing.T) {
			captureLogs(t)
			srv := newServer(t)
			left := leavePuppeteer(t, srv, "LEAVE="+leave, "SESSION_COOKIE=1")
			waitIdle(t, srv)
			srv.restart(t)
			s := decodeAs[sessionJSON](t, do(t, "GET", srv.URL+"/sessions/"+left.Session.ID, nil))
			if s.Status != "hibernated" {
				t.Fatalf("after restart the session is %q, want hibernated", s.Status)
			}
			read := `mutation($u: String!) { goto(url: $u) { status } cookies { cookies { name value } } }`
			status, res := bql(t, s.BrowserQL, read, map[string]any{"u": left.PageURL})
			if status != 200 || len(res.Errors) > 0 {
				t.Fatalf("BrowserQL after the restart: %d %+v", status, res.Errors)
			}
			var got struct {
				Cookies []struct{ Name, Value string }
			}
			if err := json.Unmarshal(res.Data["cookies"], &got); err != nil {
				t.Fatalf("cookies: %s: %v", res.Data["cookies"], err)
			}
			jar := map[string]string{}
			for _, c := range got.Cookies {
				jar[c.Name] = c.Value
			}
			if jar["visit"] != "1" || jar["user"] != "ada" {
				t.Errorf("cookies after leaving with %s and a restart: %s, want user=ada and the session cookie visit=1", leave, res.Data["cookies"])
			}
		})
	}
}

// puppeteerLeft is what puppeteer-leave.mjs prints on its first line.
type puppeteerLeft struct {
	Session sessionJSON
	PageURL string
}

// leavePuppeteer runs puppeteer-leave.mjs with env and returns the session
// and page it used.
func leavePuppeteer(t *testing.T, srv *server, env ...string) puppeteerLeft {
	t.Helper()
	out := cdpNode(t, srv, "puppeteer-leave.mjs", env...)
	var left puppeteerLeft
	if err := json.Unmarshal(bytes.SplitN(out, []byte("\n"), 2)[0], &left); err != nil {
		t.Fatalf("script printed %q: %v", out, err)
	}
	return left
}

// waitIdle waits until no client or request uses a browser, so that what a
// client's leaving does (its save) has finished.
func waitIdle(t *testing.T, srv *server) {
	t.Helper()
	deadline := time.Now().Add(cdpNodeTimeout)
	for !strings.Contains(metricsText(t, srv), "\nsessionql_busy_browsers 0\n") {
		if time.Now().After(deadline) {
			t.Fatalf("a browser is still busy after the client left:\n%s", grepLines(metricsText(t, srv), "busy"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
