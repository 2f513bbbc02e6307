package engine

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/cdproto/target"
)

// TestLaunchOpensTheFirstPage: a launched browser already holds the
// engine's first tab, one blank page (the guard, opened during the launch,
// aside), and the first page is that tab; the next page is a new tab.
// With stealth, the tab has its identity when the launch returns.
func TestLaunchOpensTheFirstPage(t *testing.T) {
	for _, stealth := range []bool{false, true} {
		b, _ := launchOwnBrowser(t, LaunchOptions{Stealth: stealth, Window: Size{1280, 800}, Guard: true})
		before := pageTargets(t, b)
		if len(before) != 1 || before[0].URL != "about:blank" {
			t.Fatalf("stealth %v: after the launch the browser has the pages %+v; want one at about:blank", stealth, before)
		}
		p, err := b.OpenPage()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		if p.target().TargetID != before[0].TargetID {
			t.Errorf("stealth %v: the first page is %s; want the launch's tab %s", stealth, p.target().TargetID, before[0].TargetID)
		}
		if after := pageTargets(t, b); len(after) != 1 {
			t.Errorf("stealth %v: with the first page open the browser has %d pages; want 1", stealth, len(after))
		}
		if stealth {
			if ua := eval(t, p, "navigator.userAgent"); ua != b.identity.UA.UserAgent {
				t.Errorf("the first tab's user agent is %q; want the identity's %q", ua, b.identity.UA.UserAgent)
			}
		}
		next, err := b.OpenPage()
		if err != nil {
			t.Fatal(err)
		}
		if next.target().TargetID == p.target().TargetID {
			t.Error("the second page is the first tab again")
		}
		next.CloseTab()
	}
}

// TestSwitchTerminatorDropped: after "--" Chromium reads every argument as
// a URL, so a session's "--" would turn the flags after it, the egress
// proxy's included, into pages to open.
func TestSwitchTerminatorDropped(t *testing.T) {
	for _, opts := range []LaunchOptions{{Args: []string{"--", "--mute-audio"}}, {Args: []string{"--"}, egress: "127.0.0.1:1"}} {
		f := flags(opts)
		for _, a := range f {
			if a == "--" {
				t.Errorf("flags %q hold the switch terminator", f)
			}
		}
	}
}

// pageTargets lists the browser's pages, the guard left out.
func pageTargets(t *testing.T, b *Browser) []*target.Info {
	t.Helper()
	raw, err := b.mux.Call(context.Background(), "", "Target.getTargets", map[string]any{"filter": []map[string]string{{"type": "page"}}})
	if err != nil {
		t.Fatal(err)
	}
	var res target.GetTargetsResult
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	var pages []*target.Info
	for _, p := range res.TargetInfos {
		if string(p.TargetID) != b.guard {
			pages = append(pages, p)
		}
	}
	return pages
}
