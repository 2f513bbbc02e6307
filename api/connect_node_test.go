package api

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// cdpNodeTimeout bounds one Node script; only a hung client reaches it.
const cdpNodeTimeout = 3 * time.Minute

// cdpNode runs a script of e2e/ against srv, with a local page to store
// state on, and returns what it printed; it fails the test with the
// script's output unless the script exits 0.
func cdpNode(t testing.TB, srv *server, script string, env ...string) []byte {
	t.Helper()
	dir := filepath.Join(testutil.Testdata(), "..", "e2e")
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal("e2e/node_modules is missing: run `npm ci --prefix e2e` (scripts/test.sh does)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH; the CDP tests drive Puppeteer and Playwright with Node 20 or later")
	}
	pages := testutil.ServePages(t)
	ctx, cancel := context.WithTimeout(context.Background(), cdpNodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(env, "SESSIONQL_URL="+srv.URL, "PAGE_URL="+pages.URL+"/click.html")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s%s", script, err, out, stderr.Bytes())
	}
	return out
}

func TestConnectPuppeteerKeepsStateAcrossReconnects(t *testing.T) {
	cdpNode(t, newServer(t), "puppeteer-state.mjs")
}

func TestConnectPlaywrightKeepsStateAcrossReconnects(t *testing.T) {
	cdpNode(t, newServer(t), "playwright-state.mjs")
}

func TestConnectPuppeteerWithToken(t *testing.T) {
	const token = "node-token"
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = token })
	cdpNode(t, srv, "puppeteer-state.mjs", "SESSIONQL_TOKEN="+token)
}

func TestConnectPuppeteerAndBrowserQLShareTheSession(t *testing.T) {
	cdpNode(t, newServer(t), "shared-state.mjs")
}
