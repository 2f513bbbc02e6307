package engine

import (
	"slices"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil/rawchrome"
)

// A session's own feature switches add to the engine's instead of replacing
// them: Chromium reads only the last --disable-features.
func TestFlagsMergeFeatureSwitches(t *testing.T) {
	f := flags(LaunchOptions{ProfileDir: "/p", Stealth: true, Headless: true, Window: Size{1920, 1167},
		Args: []string{"--disable-features=Foo", "--enable-features=Bar", "--disable-blink-features=Baz", "--mute-audio"}})
	for _, sw := range featureSwitches {
		var got []string
		for _, a := range f {
			if strings.HasPrefix(a, sw) {
				got = append(got, a)
			}
		}
		if len(got) != 1 {
			t.Errorf("%s appears %d times in %q; want once", sw, len(got), f)
		}
	}
	disabled := strings.Split(strings.TrimPrefix(f[slices.IndexFunc(f, func(a string) bool { return strings.HasPrefix(a, "--disable-features=") })], "--disable-features="), ",")
	for _, want := range []string{"RenderDocument", "WebUIOmniboxPopup", "NetworkTimeServiceQuerying", "Foo"} {
		if !slices.Contains(disabled, want) {
			t.Errorf("--disable-features=%s; want %s in it", strings.Join(disabled, ","), want)
		}
	}
	for _, want := range []string{"--enable-features=NetworkServiceInProcess2,Bar", "--disable-blink-features=AutomationControlled,Baz"} {
		if !slices.Contains(f, want) {
			t.Errorf("%q; want %s", f, want)
		}
	}
}

// TestBaselineHasTheServersSwitches: the raw chromedp baseline of the
// benchmarks launches with the server's feature and calls-home switches,
// so that a ratio measures what the server adds, not a lighter browser.
func TestBaselineHasTheServersSwitches(t *testing.T) {
	for name, value := range rawchrome.ServerSwitches {
		if !slices.Contains(baseFlags, "--"+name+"="+value) {
			t.Errorf("the baseline's --%s=%s is not among the server's flags %q", name, value, baseFlags)
		}
	}
}

// TestSwitchTerminatorDropped: after "--" Chromium reads every argument as
// a URL, so a session's "--" would turn the flags after it, the egress
// proxy's included, into pages to open, and the browser would bypass the
// proxy.
func TestSwitchTerminatorDropped(t *testing.T) {
	for _, opts := range []LaunchOptions{{Args: []string{"--", "--mute-audio"}}, {Args: []string{"--"}, egress: "127.0.0.1:1"}} {
		f := flags(opts)
		if slices.Contains(f, "--") {
			t.Errorf("flags %q hold the switch terminator", f)
		}
		if !slices.Contains(f, "--no-startup-window") {
			t.Errorf("flags %q lack --no-startup-window", f)
		}
	}
}
