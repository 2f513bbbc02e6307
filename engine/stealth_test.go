package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// launchOwn starts a browser of the test's own with these options on top of
// the test defaults, closed after the test, and opens its page.
func launchOwn(t *testing.T, opts LaunchOptions) (b *Browser, p *Page) {
	t.Helper()
	dir, err := os.MkdirTemp("", "sq-") // Chromium's socket paths must stay short
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	opts.ExecPath, opts.ProfileDir, opts.TempDir, opts.Headless = testutil.ChromePath(t), filepath.Join(dir, "p"), filepath.Join(dir, "t"), true
	b, err = Launch(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b.Close()
		testutil.NoProcessesLeft(t, dir)
	})
	p, err = b.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return b, p
}

// detect opens the detection page in the page and returns its verdict.
func detect(t *testing.T, p *Page, url string) *testutil.Detection {
	t.Helper()
	ctx := context.Background()
	if _, err := p.Goto(ctx, url, Load, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	raw, err := p.Evaluate(ctx, testutil.DetectScript, 60*time.Second)
	if err != nil || raw == nil {
		t.Fatalf("read the verdict: %v", err)
	}
	return testutil.ParseDetection(t, *raw)
}

func TestStealthBrowserPassesDetection(t *testing.T) {
	t.Parallel()
	srv := testutil.ServeDetect(t)
	_, p := launchOwn(t, LaunchOptions{Stealth: true, Window: Size{1920, 1080}, Lang: "de-DE", Timezone: "Europe/Berlin"})
	d := detect(t, p, srv.URL("Europe/Berlin", "de-DE"))
	if !d.Pass {
		t.Fatalf("detected: %s\n%s", d.Summary(), d.Failing())
	}
}

func TestPlainBrowserIsDetected(t *testing.T) {
	t.Parallel()
	srv := testutil.ServeDetect(t)
	_, p := launchOwn(t, LaunchOptions{Window: Size{1280, 720}})
	d := detect(t, p, srv.URL("", ""))
	if d.Pass || !d.Botd.Result.Bot {
		t.Fatalf("not detected: %s", d.Summary())
	}
	t.Log(d.Summary())
}
