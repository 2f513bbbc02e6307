package api

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestClientClosingTheTabSavesWithoutWarning: a CDP client closes the
// engine's tab, as Puppeteer's page.close and Playwright's context.close
// do, then disconnects. The save that follows reads the state through the
// tab the next request would use: no "could not save" warning (before,
// every such disconnect logged one with EOF or context canceled).
func TestClientClosingTheTabSavesWithoutWarning(t *testing.T) {
	log := &testutil.LogBuffer{}
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(log, nil)))
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	c := cdpDial(t, s.Connect, nil)
	for _, id := range c.pages() {
		c.call("", "Target.closeTarget", map[string]any{"targetId": id})
	}
	waitUntil(t, "every tab has closed", func() bool { return len(c.pages()) == 0 })
	c.ws.Close()
	waitUntil(t, "the client's disconnect is logged", func() bool {
		return strings.Contains(log.String(), `client disconnected" session=`+s.ID)
	})
	srv.stop() // the save after the client left has ended
	for _, line := range strings.Split(log.String(), "\n") {
		if strings.Contains(line, s.ID) && strings.Contains(line, "level=WARN") {
			t.Errorf("a warning for a normal disconnect: %s", line)
		}
	}
}
