// Package rawchrome is the baseline of the benchmarks that compare a
// sessionql request with raw chromedp: a plain Chromium with the server's
// launch flags and a 1920×1080 window, driven by chromedp as a client of its
// own, and the steps both sides run.
package rawchrome

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/internal/testutil"
)

// Toggle is the docs page's theme toggle, which the core request clicks.
const Toggle = "div.toggle_vylO.colorModeToggle_x44X > button"

// CoreQuery is the benchmarks' BrowserQL request: goto the docs page, click
// its theme toggle, read the theme back.
func CoreQuery(docs string) string {
	return `mutation { goto(url: "` + docs + `") { status } click(selector: "` + Toggle + `") { x } evaluate(content: "return localStorage.getItem('theme');") { value } }`
}

// Core runs CoreQuery's steps with chromedp: Navigate, Click, Evaluate.
func Core(ctx context.Context, docs string) error {
	err := chromedp.Do(ctx, chromedp.Navigate(docs), chromedp.Click(chromedp.CSS(Toggle)))
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem('theme')`))
	}
	return err
}

// Read runs the read-only request's steps with chromedp: the page's text
// and title, as two evaluations.
func Read(ctx context.Context) error {
	_, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.title`))
	}
	return err
}

// Launch starts a plain chromedp browser with the server's launch flags on
// a fresh profile; the browser starts with the first action on ctx. stop
// ends it and fails b if one of its processes is left. The flags that
// change how much work Chromium does (its features, its calls home) are
// the engine's, copied (test helpers may not import the engine's flags), so
// that a ratio measures what the server adds, not a lighter browser.
func Launch(b testing.TB) (ctx context.Context, stop func()) {
	dir := testutil.DataDir(b)
	opts := append(Options(b), chromedp.WindowSize(1920, 1080), chromedp.UserDataDir(dir+"/profile"), chromedp.Env("TMPDIR="+dir))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	return ctx, func() {
		cancel()
		cancelAlloc()
		testutil.NoProcessesLeft(b, dir)
	}
}

// Options are chromedp's defaults with the server's flags, as root without
// the sandbox, for a baseline that picks its own window and profile.
func Options(b testing.TB) []chromedp.ExecAllocatorOption {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(testutil.ChromePath(b)), chromedp.NoSandbox,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true))
	for name, value := range ServerSwitches {
		opts = append(opts, chromedp.Flag(name, value))
	}
	return opts
}

// ServerSwitches are the switches of the server's launch flags
// (engine/flags.go) that change how much work Chromium does: its features
// and where its calls home go. They are copied, as test helpers may not
// import the engine's flags; the engine's TestBaselineHasTheServersSwitches
// fails when the two part.
var ServerSwitches = map[string]string{
	"enable-features":   "NetworkServiceInProcess2",
	"disable-features":  "Translate,MediaRouter,OptimizationHints,DialMediaRouteProvider,RenderDocument,BackForwardCache,NetworkTimeServiceQuerying,SpareRendererForSitePerProcess,WebUIOmniboxPopup,WebUIOmniboxAimPopup",
	"component-updater": "url-source=http://127.0.0.1:9/",
	"gaia-url":          "http://127.0.0.1:9/",
}

// Warm is Launch with the browser started and one tab open; it is stopped
// at b's cleanup.
func Warm(b testing.TB) context.Context {
	ctx, stop := Launch(b)
	b.Cleanup(stop)
	if err := chromedp.Do(ctx); err != nil {
		b.Fatal(err)
	}
	return ctx
}

// Alternate runs the sessionql request and its chromedp baseline b.N times
// each, one after the other, so that the machine's noise hits both alike,
// and reports both means and their ratio.
func Alternate(b *testing.B, sessionql, chromedp func()) {
	var ours, raw time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		sessionql()
		ours += time.Since(start)
		start = time.Now()
		chromedp()
		raw += time.Since(start)
	}
	b.ReportMetric(float64(ours.Microseconds())/1000/float64(b.N), "bql-ms/op")
	b.ReportMetric(float64(raw.Microseconds())/1000/float64(b.N), "chromedp-ms/op")
	b.ReportMetric(float64(ours)/float64(raw), "ratio")
}
