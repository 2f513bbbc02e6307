package sessions

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/engine"
)

// TestCloseRemovesTheTempDir: the folder that holds browsers' temp dirs,
// which sits in the system temp dir when the data dir's path is long, is
// gone once the service has closed, after a browser ran in it.
func TestCloseRemovesTheTempDir(t *testing.T) {
	cfg := testConfig(t)
	cfg.DataDir = filepath.Join(cfg.DataDir, strings.Repeat("long", 12))
	root := tempRoot(cfg)
	if !strings.HasPrefix(root, os.TempDir()) {
		t.Fatalf("a long data dir should put the temp dir in %s, not %s", os.TempDir(), root)
	}
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	run(t, s, create(t, s).ID, func(p *engine.Page) {})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("%s is left after Close: %v", root, err)
	}
}
