package sessions

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sessionql/sessionql/events"
)

// TestLogsInTheStore: a session's events are kept where its record is. After
// a restart (for PostgreSQL, a server on an empty data dir) they are all
// there, and with PostgreSQL there is no events file in the data dir.
func TestLogsInTheStore(t *testing.T) {
	eachBackend(t, func(t *testing.T, b Backend) {
		stores := b.Open(t)
		cfg := stores(testConfig(t))
		first := cfg.DataDir
		s := open(t, cfg)
		sess := create(t, s)
		s.Record(sess.ID, events.Console, map[string]string{"text": "kept"})
		if err := s.Stop(sess.ID); err != nil {
			t.Fatal(err)
		}
		want := []string{events.Created, events.Console, events.Stopped}
		if got := logTypes(t, s, sess.ID); !slices.Equal(got, want) {
			t.Fatalf("logs %v, want %v", got, want)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if b.Shared {
			cfg = stores(testConfig(t))
		}
		s = open(t, cfg)
		if got := logTypes(t, s, sess.ID); !slices.Equal(got, want) {
			t.Errorf("logs after a restart %v, want %v", got, want)
		}
		for _, dir := range []string{first, cfg.DataDir} {
			if _, err := os.Stat(filepath.Join(dir, "events.db")); b.Shared && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("events.db in the data dir of a server on PostgreSQL: %v", err)
			}
		}
	})
}

func logTypes(t *testing.T, s *Service, id string) []string {
	t.Helper()
	p, err := s.Logs(id, events.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range p.Events {
		types = append(types, e.Type)
	}
	return types
}
