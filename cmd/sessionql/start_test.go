package main

import (
	"strings"
	"testing"
)

// TestHelpAndVersion runs the binary as a new user would: --help exits 0
// and lists every flag with its variable, --version names the Chromium.
func TestHelpAndVersion(t *testing.T) {
	out, err := runBinary(t, "", "--help")
	if err != nil {
		t.Fatalf("--help: %v\n%s", err, out)
	}
	for _, want := range []string{"--addr / $ADDR (default 127.0.0.1:3000)", "--chrome-path / $CHROME_PATH", "--log-format / $LOG_FORMAT (default text)", "$CONCURRENT for $MAX_BROWSERS"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help does not say %q:\n%s", want, out)
		}
	}
	out, err = runBinary(t, "", "--version")
	if err != nil || !strings.HasPrefix(out, "sessionql ") || !strings.Contains(out, "Chromium") {
		t.Errorf("--version: %v\n%s", err, out)
	}
}

// TestMissingChromium starts the server with a browser path that is not
// there, and with one that is not a browser: it refuses to start and says
// what to install or set.
func TestMissingChromium(t *testing.T) {
	for _, path := range []string{"/nope", "/usr/bin/true"} {
		out, err := runBinary(t, "CHROME_PATH="+path, "--data-dir", t.TempDir())
		if err == nil {
			t.Fatalf("CHROME_PATH=%s: the server started:\n%s", path, out)
		}
		for _, want := range []string{path, "install Chromium", "CHROME_PATH"} {
			if !strings.Contains(out, want) {
				t.Errorf("CHROME_PATH=%s: the refusal does not say %q:\n%s", path, want, out)
			}
		}
		if strings.Contains(out, "listening") {
			t.Errorf("CHROME_PATH=%s: the server listened before refusing:\n%s", path, out)
		}
	}
}
