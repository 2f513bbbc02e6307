package api

import (
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestBrowserbaseSDK runs the official Browserbase SDK against the server
// (e2e/browserbase.mjs), with auth on so that X-BB-API-Key is checked.
func TestBrowserbaseSDK(t *testing.T) {
	const token = "bb-token"
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = token })
	cdpNode(t, srv, "browserbase.mjs", "SESSIONQL_TOKEN="+token, "CHROME_PATH="+testutil.ChromePath(t))
}
