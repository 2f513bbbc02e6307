package examples

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCDPExamples(t *testing.T) {
	for _, dir := range []string{"puppeteer", "playwright"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
			t.Fatalf("examples/%s/node_modules is missing: run `npm ci --prefix examples/%s` (scripts/test.sh does)", dir, dir)
		}
	}
	server := startServer(t)
	run(t, server, "node", "puppeteer/index.mjs")
	run(t, server, "node", "playwright/index.mjs")
}
