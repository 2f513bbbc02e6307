package api

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/internal/testutil"
)

// TestDashboard signs in to the dashboard as a person does, finds a
// created session, filters by status and metadata, extends a session and
// stops another, all from the page.
func TestDashboard(t *testing.T) {
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = "tok" })
	shipped := decodeAs[sessionJSON](t, do(t, "POST", srv.URL+"/session?token=tok", map[string]any{"stealth": true, "userMetadata": map[string]any{"order": map[string]any{"status": "shipped"}}}))
	pending := decodeAs[sessionJSON](t, do(t, "POST", srv.URL+"/session?token=tok", map[string]any{"userMetadata": map[string]any{"order": map[string]any{"status": "pending"}}}))
	bql(t, shipped.BrowserQL, `mutation { goto(url: "about:blank") { status } }`, nil) // live; the other stays hibernated
	ctx := userBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 720), chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `!document.getElementById("login").hidden`)
	artifact(t, ctx, "dashboard-login.png")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#token"), "tok"), chromedp.Click(chromedp.CSS("#login-form button"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `document.getElementById("s-`+shipped.ID+`") && document.getElementById("s-`+pending.ID+`")`)
	if got := evalIn[string](t, ctx, `location.href + " " + document.getElementById("st-live").textContent`); got != srv.URL+"/ 1 / 4" {
		t.Errorf("URL and live browsers: %q", got)
	}
	waitJS(t, ctx, `document.querySelector("#s-`+shipped.ID+` .pill.live")`)
	artifact(t, ctx, "dashboard.png")

	click(t, ctx, `#status [data-status="hibernated"]`)
	waitJS(t, ctx, `!document.getElementById("s-`+shipped.ID+`") && document.getElementById("s-`+pending.ID+`")`)
	click(t, ctx, `#status [data-status=""]`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q"), `user_metadata['order']['status']:'shipped'`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `document.getElementById("s-`+shipped.ID+`") && !document.getElementById("s-`+pending.ID+`")`)

	before := decodeAs[sessionJSON](t, do(t, "GET", srv.URL+"/sessions/"+shipped.ID+"?token=tok", nil)).ExpiresAt
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#s-"+shipped.ID+" select.extend"), "3600000"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#s-`+shipped.ID+` select.extend").dispatchEvent(new Event("change"))`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `document.querySelector("#s-`+shipped.ID+`").dataset.expiresAt !== "`+before+`"`)
	if after := decodeAs[sessionJSON](t, do(t, "GET", srv.URL+"/sessions/"+shipped.ID+"?token=tok", nil)).ExpiresAt; after <= before {
		t.Errorf("extend did not move expiresAt: %s, then %s", before, after)
	}

	click(t, ctx, `#s-`+shipped.ID+` .stop`)
	click(t, ctx, `#s-`+shipped.ID+` .stop`)
	waitJS(t, ctx, `!document.getElementById("s-`+shipped.ID+`")`)
	if r := do(t, "GET", srv.URL+"/sessions/"+shipped.ID+"?token=tok", nil); r.Status != http.StatusNotFound {
		t.Errorf("after Stop the session answers %d", r.Status)
	}
}

func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// TestDashboardEventsTimeline opens a session's events from the dashboard
// as a person does: the kept events are there (a BrowserQL request, the
// page's own console.log), a request made meanwhile appears live, and the
// stop ends the timeline.
func TestDashboardEventsTimeline(t *testing.T) {
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = "tok" })
	pages := testutil.ServePages(t)
	s := decodeAs[sessionJSON](t, do(t, "POST", srv.URL+"/session?token=tok", map[string]any{"stealth": true, "logs": map[string]any{"network": true}}))
	goTo := `mutation Visit($u: String!) { goto(url: $u, waitUntil: load) { status } }`
	bql(t, s.BrowserQL, goTo, map[string]any{"u": pages.URL + "/events.html"})
	ctx := userBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 1000), chromedp.Navigate(srv.URL+"/"),
		chromedp.SendKeys(chromedp.CSS("#token"), "tok"), chromedp.Click(chromedp.CSS("#login-form button"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `document.getElementById("s-`+s.ID+`")`)
	click(t, ctx, `#s-`+s.ID+` .events`)
	li := func(typ, text string) string {
		return `[...document.querySelectorAll('#timeline li[data-type="` + typ + `"]')].some(li => li.textContent.includes(` + strconv.Quote(text) + `))`
	}
	waitJS(t, ctx, li("bql_request", "Visit { goto }")+` && `+li("console", "a console.log call from the page 42")+` && `+li("navigated", "events.html"))
	waitJS(t, ctx, `document.getElementById("ev-state").textContent === "Live"`)

	bql(t, s.BrowserQL, goTo, map[string]any{"u": pages.URL + "/pageerror.html"})
	waitJS(t, ctx, li("console", "a warning from the page 7")+` && `+li("navigated", "pageerror.html")+` && document.querySelectorAll('#timeline li[data-type="bql_request"]').length === 2`)
	artifact(t, ctx, "dashboard-events.png")
	ids := evalIn[[]string](t, ctx, `[...document.querySelectorAll("#timeline li")].map(li => li.dataset.id)`)
	for i, id := range ids {
		if id != strconv.Itoa(i+1) {
			t.Fatalf("timeline ids %v: want 1..n, each once", ids)
		}
	}

	if r := do(t, "DELETE", srv.URL+"/sessions/"+s.ID+"?token=tok", nil); r.Status >= 300 {
		t.Fatalf("stop: %d", r.Status)
	}
	waitJS(t, ctx, li("stopped", "deleted")+` && document.getElementById("ev-state").textContent === "Ended"`)
}
