package engine

import (
	"fmt"
	"strings"

	"github.com/sessionql/sessionql/engine/internal/stealth"
)

// baseFlags are on every launch: a closed network makes background services
// fail at every start, and the protocol runs over a pipe, never a port.
//
// RenderDocument and BackForwardCache are off so that a navigation within a
// site, and a new tab's first one, keep the renderer and window widget that
// already know their window's size. With a new widget per document, a
// document's earliest scripts read outerWidth and outerHeight as 0 (the size
// arrives after commit; about half of all loads here), which BotD's
// detectWindowSize reports as headless Chrome. A navigation to another site
// still moves to a new process and may meet that race.
// See testdata/detect/FINDINGS.md, item 7.
//
// NetworkTimeServiceQuerying is off so that the browser does not ask
// clients2.google.com for the time at every start, through the session's
// proxy (--disable-background-networking does not stop it).
//
// Two more calls to Google at every start are sent to deadURL instead,
// which Chromium refuses without opening a connection (port 9 is on its
// list of unsafe ports): the component updater's on-demand check for the
// on-device model manifest (update.googleapis.com, which
// --disable-component-update does not stop) and the account reconcilor's
// ListAccounts (accounts.google.com, retried with a backoff). Both would go
// through a session's proxy and tell it that the machine runs a browser
// farm. Pages see the same: the on-device AI APIs answer as before (the
// check fails either way without a network) and Chromium without Google's
// OAuth keys sends no account headers to the Gaia origin.
// TestNoGoogleCallsAtStart checks it.
//
// Two settings lower a live browser's memory (PSS 216 -> 158 MiB per
// session; see BENCHMARKS.md) and change nothing a page can see: the
// network service runs inside the browser process instead of a process of
// its own (NetworkServiceInProcess2: the same network code, one process
// less), and the omnibox's popup, which a headless window never shows, is
// no longer a web page kept loaded in a renderer of its own
// (WebUIOmniboxPopup, WebUIOmniboxAimPopup: about 45 MiB).
var baseFlags = []string{
	"--remote-debugging-pipe",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
	"--disable-quic",
	"--no-default-browser-check",
	"--disable-breakpad",
	"--disable-crash-reporter",
	"--disable-domain-reliability",
	"--disable-client-side-phishing-detection",
	"--disable-default-apps",
	"--disable-hang-monitor",
	"--disable-popup-blocking",
	"--disable-prompt-on-repost",
	"--metrics-recording-only",
	"--password-store=basic",
	"--use-mock-keychain",
	"--component-updater=url-source=" + deadURL,
	"--gaia-url=" + deadURL,
	"--enable-features=NetworkServiceInProcess2",
	"--disable-features=Translate,MediaRouter,OptimizationHints,DialMediaRouteProvider,RenderDocument,BackForwardCache,NetworkTimeServiceQuerying,SpareRendererForSitePerProcess,WebUIOmniboxPopup,WebUIOmniboxAimPopup",
}

// deadURL is where the browser's own calls to Google go: a loopback port
// that Chromium refuses to connect to.
const deadURL = "http://127.0.0.1:9/"

// flags builds the command line of one launch from its options.
func flags(opts LaunchOptions) []string {
	f := append([]string{}, baseFlags...)
	f = append(f, "--user-data-dir="+opts.ProfileDir)
	if !opts.sandbox {
		f = append(f, "--no-sandbox")
	}
	if opts.Headless {
		f = append(f, "--headless=new", "--hide-scrollbars", "--mute-audio")
	}
	if opts.Window.Width > 0 && opts.Window.Height > 0 {
		f = append(f, fmt.Sprintf("--window-size=%d,%d", opts.Window.Width, opts.Window.Height))
	}
	if opts.Stealth {
		f = append(f, stealth.Flags(opts.Window.Width, opts.Window.Height, opts.Headless)...)
	} else {
		f = append(f, "--enable-automation")
	}
	if opts.UserAgent != "" {
		f = append(f, "--user-agent="+opts.UserAgent)
	}
	if opts.Lang != "" {
		f = append(f, "--lang="+opts.Lang)
	}
	if opts.egress != "" {
		return mergeFeatures(append(blockedFlags(f, opts), "--no-startup-window"))
	}
	f = append(f, proxyFlags(opts)...)
	f = append(f, userArgs(opts.Args)...)
	return mergeFeatures(append(f, "--no-startup-window"))
}

// userArgs are a session's flags without the switch terminator "--": after
// it Chromium reads every argument as a URL to open, so the flags that
// follow a session's, such as the egress proxy's, would be dropped and
// opened as pages.
func userArgs(args []string) []string {
	var out []string
	for _, a := range args {
		if a != "--" {
			out = append(out, a)
		}
	}
	return out
}

// featureSwitches are the switches whose values are lists of features.
var featureSwitches = []string{"--enable-features=", "--disable-features=", "--disable-blink-features="}

// mergeFeatures joins every occurrence of a feature switch into one, where
// the first stood. Chromium reads only the last one, so a session's own
// --disable-features would otherwise turn the engine's list back on: the
// stealth fixes, the calls home and the memory settings above.
func mergeFeatures(f []string) []string {
	out := make([]string, 0, len(f))
	at := map[string]int{} // the switch's index in out
	for _, a := range f {
		sw := ""
		for _, p := range featureSwitches {
			if strings.HasPrefix(a, p) {
				sw = p
			}
		}
		i, seen := at[sw]
		switch {
		case sw == "":
			out = append(out, a)
		case !seen:
			at[sw] = len(out)
			out = append(out, a)
		case strings.TrimPrefix(a, sw) != "":
			out[i] += "," + strings.TrimPrefix(a, sw)
		}
	}
	return out
}

// blockedFlags ends the command line of a launch through the egress proxy:
// the user's flags without those that would bypass it, then the proxy, last,
// so nothing overrides it.
func blockedFlags(f []string, opts LaunchOptions) []string {
	f = append(f, withoutProxyArgs(userArgs(opts.Args))...)
	return append(f, egressFlags(opts.egress)...)
}

func proxyFlags(opts LaunchOptions) []string {
	if opts.Proxy == "" {
		return nil
	}
	f := []string{"--proxy-server=" + opts.Proxy}
	if len(opts.ProxyBypass) > 0 {
		f = append(f, "--proxy-bypass-list="+strings.Join(opts.ProxyBypass, ";"))
	}
	return f
}
