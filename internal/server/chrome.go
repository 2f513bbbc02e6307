package server

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// chromeCheckTimeout bounds `chromium --version` at start.
const chromeCheckTimeout = 20 * time.Second

// chromeVersion runs the browser binary with --version, so that a missing
// or broken Chromium stops the start instead of failing the first request.
func chromeVersion(ctx context.Context, path string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, chromeCheckTimeout)
	defer cancel()
	var stderr strings.Builder
	cmd := exec.CommandContext(ctx, path, "--version")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	version := versionLine(string(out))
	if err == nil && version == "" {
		err = fmt.Errorf("it printed %q, not a Chromium version", firstLine(strings.TrimSpace(string(out)+stderr.String())))
	}
	if err != nil {
		return "", fmt.Errorf("the browser at %s does not run (%v): install Chromium (Debian: apt-get install chromium; or run scripts/setup.sh) or set CHROME_PATH to a working chromium or google-chrome binary", path, err)
	}
	return version, nil
}

// versionLine is the line of `chromium --version` that names the browser;
// Debian's wrapper script may print other lines first.
func versionLine(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if l := strings.ToLower(line); strings.Contains(l, "chrom") && strings.ContainsAny(l, "0123456789") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// printVersion writes sessionql's version and the Chromium it found.
func printVersion(ctx context.Context, out io.Writer, chrome string) {
	fmt.Fprintln(out, "sessionql", Version)
	if chrome == "" {
		chrome = findChrome()
	}
	if chrome == "" {
		fmt.Fprintln(out, "Chromium: none found on PATH; set CHROME_PATH")
		return
	}
	v, err := chromeVersion(ctx, chrome)
	if err != nil {
		fmt.Fprintln(out, "Chromium:", err)
		return
	}
	fmt.Fprintf(out, "%s (%s)\n", v, chrome)
}
