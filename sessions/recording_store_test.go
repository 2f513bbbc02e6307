package sessions

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/engine"
)

// TestRecordingsInTheStore: a session's recording is kept where its
// record is, and a second server on the same store serves it: for bbolt
// the restarted server on the same data dir, for PostgreSQL a server on an
// empty data dir beside the first, as another node of a cluster. No
// recordings.db is left in any data dir.
func TestRecordingsInTheStore(t *testing.T) {
	eachBackend(t, func(t *testing.T, b Backend) {
		stores := b.Open(t)
		cfg := stores(testConfig(t))
		first := cfg.DataDir
		s := open(t, cfg)
		sess, err := s.Create(Options{Headless: true, Browser: "chromium", Viewport: Viewport{Width: 800, Height: 600}, Record: true}, time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		const text = "recorded on the first server"
		run(t, s, sess.ID, func(p *engine.Page) {
			eval(t, p, `document.body.innerHTML = '<p>`+text+`</p>'; 'ok'`)
		})
		if err := s.Stop(sess.ID); err != nil {
			t.Fatal(err)
		}
		want := recordingOf(t, s, sess.ID)
		if !strings.Contains(want, `"type":2`) || !strings.Contains(want, text) {
			t.Fatalf("the recording has no full snapshot or not the page's text: %.500s", want)
		}
		second, dirs := s, []string{first}
		if b.Shared {
			other := stores(testConfig(t))
			second = open(t, other)
			dirs = append(dirs, other.DataDir)
		} else {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			second = open(t, cfg)
		}
		if !second.HasRecording(sess.ID) {
			t.Error("the second server has no recording of the session")
		}
		if got := recordingOf(t, second, sess.ID); got != want {
			t.Errorf("the second server's recording differs:\n%.500s\nwant\n%.500s", got, want)
		}
		for _, dir := range dirs {
			if _, err := os.Stat(filepath.Join(dir, "recordings.db")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("recordings.db in the data dir %s: %v", dir, err)
			}
		}
	})
}

// recordingOf is every event of the session's recording, paged through
// as the API does, one per line.
func recordingOf(t *testing.T, s *Service, id string) string {
	t.Helper()
	var out strings.Builder
	for after := uint64(0); ; {
		p, err := s.Recording(context.Background(), id, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Events {
			out.WriteString(string(e.Event) + " " + e.Tab + "\n")
		}
		if after = p.Next; after == 0 {
			return out.String()
		}
	}
}
