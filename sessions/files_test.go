package sessions

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/internal/testutil"
)

// TestSharedFilesTravelWithTheProfile: with a profile store, a session's
// downloads and uploads are kept with its profile; a server on an empty
// data dir lists and serves them before any wake, and its browser can put
// the uploads into a file input.
func TestSharedFilesTravelWithTheProfile(t *testing.T) {
	eachShared(t, func(t *testing.T, stores func(Config) Config) {
		pages := testutil.ServePages(t)
		s := open(t, stores(testConfig(t)))
		sess := create(t, s)
		if _, err := s.SaveUpload(sess.ID, "up.txt", strings.NewReader("uploaded")); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		run(t, s, sess.ID, func(p *engine.Page) {
			gotoPage(t, p, pages.URL+"/files.html")
			if _, err := p.ClickDownload(ctx, "#attachment", engine.LocateOptions{Wait: true}, 15*time.Second); err != nil {
				t.Fatal(err)
			}
		})
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		cfg := stores(testConfig(t))
		s = open(t, cfg)
		downloads, err := s.Downloads(sess.ID)
		if err != nil || len(downloads) != 1 || downloads[0].Name != "attached.bin" || downloads[0].Size != 100000 {
			t.Fatalf("downloads on an empty data dir: %+v, %v", downloads, err)
		}
		f, _, err := s.OpenDownload(sess.ID, "attached.bin")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(got, testutil.DownloadBytes(100000)) {
			t.Errorf("attached.bin has %d other bytes", len(got))
		}
		uploads, err := s.Uploads(sess.ID)
		if err != nil || len(uploads) != 1 || uploads[0].Path != filepath.Join(cfg.DataDir, "files", sess.ID, "uploads", "up.txt") {
			t.Fatalf("uploads on an empty data dir: %+v, %v", uploads, err)
		}
		run(t, s, sess.ID, func(p *engine.Page) {
			gotoPage(t, p, pages.URL+"/files.html")
			if _, _, err := p.SetInputFiles(ctx, "#one", []string{"up.txt"}, engine.LocateOptions{Wait: true}, 10*time.Second); err != nil {
				t.Fatal(err)
			}
			if text, _ := p.Text(ctx, "#changed", 5*time.Second); text != "up.txt:8" {
				t.Errorf("the page saw %q; want up.txt:8", text)
			}
		})
	})
}
