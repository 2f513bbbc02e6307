package engine

import (
	"os"
	"strings"
)

// passedEnv are the server's environment variables Chromium gets, by exact
// name; the locale's LC_* and fontconfig's FONTCONFIG_* pass by prefix.
// Nothing else does: the server's TOKEN, database URL or cloud keys must not
// be readable in /proc/<pid>/environ of a browser that pages run in.
var passedEnv = map[string]bool{"PATH": true, "LANG": true, "LANGUAGE": true, "TZ": true}

// headfulEnv is what a browser with a window needs to reach the display.
var headfulEnv = map[string]bool{"DISPLAY": true, "WAYLAND_DISPLAY": true, "XAUTHORITY": true, "XDG_RUNTIME_DIR": true}

// browserEnv is Chromium's whole environment: a minimal one from the
// server's, its own HOME and TMPDIR in the launch's temp dir, so the folders
// it leaves land where the server cleans, and the session's timezone.
func browserEnv(opts LaunchOptions) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if passedEnv[name] || !opts.Headless && headfulEnv[name] ||
			strings.HasPrefix(name, "LC_") || strings.HasPrefix(name, "FONTCONFIG_") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+opts.TempDir, "TMPDIR="+opts.TempDir)
	if opts.Timezone != "" {
		env = append(env, "TZ="+opts.Timezone)
	}
	return env
}
