package engine_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/internal/testutil"
)

// BenchmarkLaunchStealthVsPlain measures what a wake costs, launch and first
// tab, for a stealth browser against a plain one with the same window; they
// alternate and the medians are reported. The user agent is learned before
// the timer starts, as a server learns it once per process.
//
//	go test ./engine -run '^$' -bench LaunchStealthVsPlain -benchtime 20x
func BenchmarkLaunchStealthVsPlain(b *testing.B) {
	dir, err := os.MkdirTemp("", "sq-")
	if err == nil {
		err = os.Chmod(dir, 0o711) // the browser user passes through it
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	launchOnce := func(stealth bool) time.Duration {
		start := time.Now()
		br, err := engine.Launch(engine.LaunchOptions{ExecPath: testutil.ChromePath(b), ProfileDir: filepath.Join(dir, "p"), TempDir: filepath.Join(dir, "t"),
			Headless: true, Stealth: stealth, Window: engine.Size{Width: 1920, Height: 1080}})
		if err != nil {
			b.Fatal(err)
		}
		p, err := br.OpenPage()
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		p.Close()
		br.Close()
		return took
	}
	launchOnce(true)
	var stealth, plain []time.Duration
	b.ResetTimer()
	for range b.N {
		stealth = append(stealth, launchOnce(true))
		plain = append(plain, launchOnce(false))
	}
	s, p := testutil.Median(stealth), testutil.Median(plain)
	b.ReportMetric(float64(s.Milliseconds()), "stealth-ms/wake")
	b.ReportMetric(float64(p.Milliseconds()), "plain-ms/wake")
	b.ReportMetric(float64(s)/float64(p), "ratio")
}
