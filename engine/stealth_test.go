package engine

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// launchOwn starts a browser of the test's own with these options on top of
// the test defaults, closed after the test, and opens its page.
func launchOwn(t *testing.T, opts LaunchOptions) (b *Browser, p *Page) {
	t.Helper()
	dir, err := os.MkdirTemp("", "sq-") // Chromium's socket paths must stay short
	if err == nil {
		err = os.Chmod(dir, 0o711) // the browser user passes through it
	}
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
	if !d.Undetected() {
		t.Fatalf("detected: %s\n%s", d.Summary(), d.Failing())
	}
}

// TestPlainBrowserIsDetected shows that the detection page can fail, and
// that a plain browser still takes the session's locale.
func TestPlainBrowserIsDetected(t *testing.T) {
	t.Parallel()
	srv := testutil.ServeDetect(t)
	_, p := launchOwn(t, LaunchOptions{Window: Size{1280, 720}, Lang: "fr-FR"})
	d := detect(t, p, srv.URL("", "fr-FR"))
	if d.Undetected() || !d.Botd.Result.Bot {
		t.Fatalf("not detected: %s", d.Summary())
	}
	if d.Page.Navigator.Language != "fr-FR" || d.Page.Intl.Locale != "fr-FR" || d.Worker.Navigator.Language != "fr-FR" {
		t.Errorf("locale: page %+v %+v, worker %+v", d.Page.Navigator, d.Page.Intl, d.Worker.Navigator)
	}
	if !strings.Contains(d.Page.Navigator.UserAgent, "HeadlessChrome") {
		t.Errorf("a plain browser changed its user agent: %s", d.Page.Navigator.UserAgent)
	}
}

// TestStealthReachesCrossSiteFrames checks a frame of another site, which
// Chromium runs in a process of its own (a target the identity client
// attaches to separately): it gets the identity too, and it runs.
func TestStealthReachesCrossSiteFrames(t *testing.T) {
	t.Parallel()
	headers := make(chan http.Header, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/child" {
			headers <- r.Header
			io.WriteString(w, `<script>const o = Intl.DateTimeFormat().resolvedOptions();
				parent.postMessage(JSON.stringify({ua: navigator.userAgent, language: navigator.language, webdriver: navigator.webdriver,
					tz: o.timeZone, locale: o.locale}), "*")</script>`)
			return
		}
		child := strings.Replace(r.Host, "127.0.0.1", "localhost", 1)
		io.WriteString(w, `<script>window.child = new Promise((ok) => addEventListener("message", (e) => ok(e.data)))</script>
			<iframe src="http://`+child+`/child"></iframe>`)
	}))
	t.Cleanup(srv.Close)
	_, p := launchOwn(t, LaunchOptions{Stealth: true, Window: Size{1920, 1080}, Lang: "de-DE", Timezone: "Europe/Berlin"})
	if _, err := p.Goto(context.Background(), srv.URL, Load, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	raw, err := p.Evaluate(context.Background(), "await window.child", 30*time.Second)
	if err != nil || raw == nil {
		t.Fatalf("the frame did not answer: %v", err)
	}
	var got struct {
		UA, Language, TZ, Locale string
		Webdriver                any
	}
	json.Unmarshal([]byte(*raw), &got)
	h := <-headers
	if strings.Contains(got.UA+h.Get("User-Agent"), "Headless") || got.Webdriver != false || got.Language != "de-DE" ||
		got.TZ != "Europe/Berlin" || got.Locale != "de-DE" || !strings.HasPrefix(h.Get("Accept-Language"), "de-DE") {
		t.Errorf("the cross-site frame shows %+v, headers %v", got, h)
	}
}
