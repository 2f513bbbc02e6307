package sessions

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/internal/testutil/rawchrome"
)

// BenchmarkWake measures, in one run, waking a hibernated session (launch
// from its profile, open the page, restore its saved cookies and storage,
// evaluate 1) against a raw chromedp launch of Chromium on the same profile
// (start, attach to the first tab, evaluate 1). The two alternate on the
// same profile, so machine noise and the profile's size hit both alike.
//
//	go test ./sessions -run '^$' -bench Wake -benchtime 20x
func BenchmarkWake(b *testing.B) {
	pages := testutil.ServePages(b)
	s := open(b, testConfig(b))
	sess := create(b, s)
	run(b, s, sess.ID, func(p *engine.Page) { // a profile with a history, cookies and storage
		gotoPage(b, p, pages.URL+"/click.html")
		eval(b, p, writeAll)
	})
	e, _ := s.entry(sess.ID)
	var wakes, raws []time.Duration
	for b.Loop() {
		s.hibernate(e, false)
		start := time.Now()
		page, release, err := s.Acquire(context.Background(), sess.ID)
		if err != nil {
			b.Fatal(err)
		}
		eval(b, page, "1")
		wakes = append(wakes, time.Since(start))
		release()
		s.hibernate(e, false)
		raws = append(raws, rawLaunch(b, s.profileDir(sess.ID)))
	}
	wake, raw := sum(wakes), sum(raws)
	b.ReportMetric(float64(wake.Microseconds())/1000/float64(b.N), "wake-ms/op")
	b.ReportMetric(float64(raw.Microseconds())/1000/float64(b.N), "raw-launch-ms/op")
	b.ReportMetric(float64(wake)/float64(raw), "ratio")
	b.ReportMetric(float64(testutil.Median(wakes))/float64(testutil.Median(raws)), "median-ratio")
}

func sum(d []time.Duration) (total time.Duration) {
	for _, x := range d {
		total += x
	}
	return total
}

// rawLaunch starts Chromium on the profile with chromedp's own launcher and
// the server's flags, evaluates 1 on its first tab, and returns how long
// that took; closing is not counted.
func rawLaunch(b *testing.B, profile string) time.Duration {
	defaultStartup(b, profile)
	opts := append(rawchrome.Options(b), chromedp.UserDataDir(profile), chromedp.WindowSize(800, 600), chromedp.Env("TMPDIR="+testutil.DataDir(b)))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	start := time.Now()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[int]("1"))
	took := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	chromedp.Cancel(ctx) // a graceful close, as a hibernation does
	cancel()
	return took
}

// defaultStartup takes the engine's continue-last-session preference out of
// the profile (see engine/profile.go), as a raw launch with it would
// restore the tabs of the profile's last run and measure that too.
func defaultStartup(b *testing.B, profile string) {
	path := filepath.Join(profile, "Default", "Preferences")
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var prefs, session map[string]json.RawMessage
	if err := json.Unmarshal(raw, &prefs); err != nil {
		b.Fatal(err)
	}
	json.Unmarshal(prefs["session"], &session)
	delete(session, "restore_on_startup")
	prefs["session"], _ = json.Marshal(session)
	raw, _ = json.Marshal(prefs)
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		b.Fatal(err)
	}
}
