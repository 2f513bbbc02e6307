package sessions

import (
	"os"
	"os/exec"
)

// chromeStableSetting names Google Chrome's binary for sessions with
// browser "chrome", when it is not on PATH.
const chromeStableSetting = "CHROME_STABLE_PATH"

// FindChromeStable is Google Chrome's binary for sessions that ask for
// browser "chrome": CHROME_STABLE_PATH when set, else google-chrome or
// google-chrome-stable on PATH; empty when there is none.
func FindChromeStable() string {
	if p := os.Getenv(chromeStableSetting); p != "" {
		return p
	}
	for _, name := range []string{"google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// execPath is the binary a session's browser runs: Google Chrome for
// browser "chrome", as FindChromeStable finds it, the configured Chromium
// otherwise.
func (s *Service) execPath(o Options) string {
	if o.Browser != "chrome" {
		return s.cfg.ChromePath
	}
	if p := FindChromeStable(); p != "" {
		return p
	}
	return s.cfg.ChromePath
}
