package api

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestBrowserChromeRunsGoogleChrome puts a google-chrome on PATH (a wrapper
// that notes its start and runs the test's Chromium) and creates a session
// with browser "chrome": its browser must be that binary.
func TestBrowserChromeRunsGoogleChrome(t *testing.T) {
	bin := testutil.DataDir(t)
	marks := filepath.Join(bin, "marks")
	if err := os.Mkdir(marks, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(marks, 0o777)
	wrapper := "#!/bin/sh\necho started > " + marks + "/chrome\nexec " + testutil.ChromePath(t) + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "google-chrome"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("CHROME_STABLE_PATH", "")
	srv := newServer(t)
	chromium := srv.create(t, map[string]any{"stealth": true})
	if r := do(t, "POST", chromium.BrowserQL, map[string]any{"query": `mutation { goto(url: "about:blank") { url } }`}); r.Status != 200 {
		t.Fatalf("bql on the chromium session: %d %s", r.Status, r.Body)
	}
	if _, err := os.Stat(filepath.Join(marks, "chrome")); err == nil {
		t.Fatal("a chromium session started google-chrome")
	}
	s := srv.create(t, map[string]any{"browser": "chrome", "stealth": true})
	if s.Browser != "chrome" {
		t.Errorf("browser = %q", s.Browser)
	}
	r := do(t, "POST", s.BrowserQL, map[string]any{"query": `mutation { evaluate(content: "navigator.userAgent") { value } }`})
	if r.Status != 200 || !strings.Contains(string(r.Body), "Chrome/") {
		t.Fatalf("bql: %d %s", r.Status, r.Body)
	}
	if _, err := os.Stat(filepath.Join(marks, "chrome")); err != nil {
		t.Errorf("the chrome session's browser is not google-chrome: %v", err)
	}
}
