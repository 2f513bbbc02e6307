//go:build linux

package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/internal/testutil"
)

// TestClickDownloadFollowsAndCapsDownloads: a link with download and an
// attachment land in the session's folder with their bytes; one that would
// pass the cap is cancelled and leaves nothing behind.
func TestClickDownloadFollowsAndCapsDownloads(t *testing.T) {
	downloads := filepath.Join(testutil.DataDir(t), "files", "downloads")
	_, p := launchOwn(t, LaunchOptions{DownloadDir: downloads, MaxDownloadBytes: 1 << 20})
	srv := testutil.ServePages(t)
	ctx := context.Background()
	if _, err := p.Goto(ctx, srv.URL+"/files.html", Load, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	click := func(sel string) (Download, error) {
		return p.ClickDownload(ctx, sel, LocateOptions{Wait: true}, 15*time.Second)
	}
	css, _ := os.ReadFile(filepath.Join(testutil.Testdata(), "pages", "style.css"))
	for _, c := range []struct {
		sel, name string
		want      []byte
	}{{"#save", "saved.txt", css}, {"#attachment", "attached.bin", testutil.DownloadBytes(100000)}} {
		d, err := click(c.sel)
		if err != nil {
			t.Fatalf("%s: %v", c.sel, err)
		}
		got, _ := os.ReadFile(filepath.Join(downloads, c.name))
		if d.Name != c.name || d.Size != int64(len(c.want)) || !bytes.Equal(got, c.want) {
			t.Errorf("%s: %+v with %d bytes on disk; want %s of %d bytes, the same bytes", c.sel, d, len(got), c.name, len(c.want))
		}
	}
	_, err := click("#big")
	if sessionql.ErrorCode(err) != sessionql.CodePayloadTooLarge {
		t.Fatalf("a 3 MB download with a 1 MB cap: %v; want payload_too_large", err)
	}
	// Chromium removes the cancelled download's files on its own thread
	// after it reports the cancel (and may create them only then); the
	// folder notes big.bin as cancelled, so that whatever it still holds
	// of it is no download.
	canceled := CanceledDownloads(downloads)
	entries, _ := os.ReadDir(downloads)
	var names []string
	for _, e := range entries {
		info, err := e.Info()
		left := err == nil && (canceled[strings.TrimSuffix(e.Name(), ".crdownload")] && strings.HasSuffix(e.Name(), ".crdownload") || canceled[e.Name()] && info.Size() == 0)
		if !left && e.Name() != CanceledDownloadsFile {
			names = append(names, e.Name())
		}
	}
	if strings.Join(names, ",") != "attached.bin,saved.txt" || !canceled["big.bin"] {
		t.Errorf("the downloads folder holds %v after the cancelled download, cancelled %v; want only attached.bin and saved.txt, big.bin cancelled", names, canceled)
	}
}

// TestSetInputFilesSubmitsTheUploadedBytes: a file of the uploads folder,
// set into a file input, reaches the form's handler byte for byte; a name
// outside the folder is refused.
func TestSetInputFilesSubmitsTheUploadedBytes(t *testing.T) {
	dir := testutil.DataDir(t)
	uploads := filepath.Join(dir, "files", "uploads")
	if err := os.MkdirAll(uploads, 0o755); err != nil {
		t.Fatal(err)
	}
	body := bytes.Repeat([]byte("upload\x00\xff"), 5000)
	if err := os.WriteFile(filepath.Join(uploads, "data.bin"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("not the session's"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, p := launchOwn(t, LaunchOptions{DownloadDir: filepath.Join(dir, "files", "downloads"), UploadDir: uploads})
	srv := testutil.ServePages(t)
	ctx := context.Background()
	if _, err := p.Goto(ctx, srv.URL+"/files.html", Load, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	o := LocateOptions{Wait: true}
	for _, bad := range []string{"../secret.txt", filepath.Join(dir, "secret.txt"), "missing.bin"} {
		if _, _, err := p.SetInputFiles(ctx, "#one", []string{bad}, o, 5*time.Second); sessionql.ErrorCode(err) != sessionql.CodeInvalidArgument {
			t.Errorf("setInputFiles %q: %v; want invalid_argument", bad, err)
		}
	}
	if _, _, err := p.SetInputFiles(ctx, "#text", []string{"data.bin"}, o, 5*time.Second); sessionql.ErrorCode(err) != sessionql.CodeInvalidArgument {
		t.Errorf("setInputFiles on a text input: %v; want invalid_argument", err)
	}
	if _, _, err := p.SetInputFiles(ctx, "#one", []string{"data.bin"}, o, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Text(ctx, "#changed", 5*time.Second); got != "data.bin:40000" {
		t.Errorf("the page saw %q on change; want data.bin:40000", got)
	}
	if _, err := p.Click(ctx, "#send", o, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := p.WaitForSelector(ctx, "#files", false, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	raw, _ := p.Text(ctx, "#files", 5*time.Second)
	var got []struct {
		Field, Name string
		Size        int
		SHA256      string
	}
	json.Unmarshal([]byte(raw), &got)
	sum := sha256.Sum256(body)
	if len(got) != 1 || got[0].Name != "data.bin" || got[0].Size != len(body) || got[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("the form's handler got %s; want data.bin with the same %d bytes", raw, len(body))
	}
}

// TestDownloadCapHoldsWhateverAClientSets: a DevTools client that sets its
// own download behavior, events off, neither moves the downloads nor
// blinds the server's watch: the cap still cancels a large one.
func TestDownloadCapHoldsWhateverAClientSets(t *testing.T) {
	dir := testutil.DataDir(t)
	downloads := filepath.Join(dir, "files", "downloads")
	b, p := launchOwn(t, LaunchOptions{DownloadDir: downloads, MaxDownloadBytes: 1 << 20})
	srv := testutil.ServePages(t)
	ctx := context.Background()
	if _, err := p.Goto(ctx, srv.URL+"/files.html", Load, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	conn := newMemConn()
	served := make(chan error)
	go func() { served <- b.Serve(conn) }()
	defer func() { conn.CloseWith(nil); <-served }()
	conn.send(t, `{"id":1,"method":"Browser.setDownloadBehavior","params":{"behavior":"allow","downloadPath":"`+filepath.Join(dir, "elsewhere")+`","eventsEnabled":false}}`)
	if r := conn.reply(t, 1); r["error"] != nil {
		t.Fatalf("setDownloadBehavior: %s", r["error"])
	}
	d, err := p.ClickDownload(ctx, "#attachment", LocateOptions{Wait: true}, 15*time.Second)
	if err != nil || d.Name != "attached.bin" || d.Size != 100000 {
		t.Fatalf("a download after the client's behavior: %+v, %v", d, err)
	}
	if _, err := p.ClickDownload(ctx, "#big", LocateOptions{Wait: true}, 15*time.Second); sessionql.ErrorCode(err) != sessionql.CodePayloadTooLarge {
		t.Errorf("a 3 MB download with a 1 MB cap after the client's behavior: %v; want payload_too_large", err)
	}
	if info, err := os.Stat(filepath.Join(downloads, "big.bin")); err == nil && !(info.Size() == 0 && CanceledDownloads(downloads)["big.bin"]) {
		t.Error("big.bin was kept")
	}
}

// TestDownloadCapHoldsInAClientsContext: a download in a browser context
// that a client created, with its own download path, lands in the
// session's folder and is cancelled past the cap like any other.
func TestDownloadCapHoldsInAClientsContext(t *testing.T) {
	dir := testutil.DataDir(t)
	downloads := filepath.Join(dir, "files", "downloads")
	b, _ := launchOwn(t, LaunchOptions{DownloadDir: downloads, MaxDownloadBytes: 1 << 20})
	srv := testutil.ServePages(t)
	conn := newMemConn()
	served := make(chan error)
	go func() { served <- b.Serve(conn) }()
	defer func() { conn.CloseWith(nil); <-served }()
	conn.send(t, `{"id":1,"method":"Target.createBrowserContext","params":{}}`)
	var res struct{ BrowserContextID string }
	json.Unmarshal(conn.reply(t, 1)["result"], &res)
	conn.send(t, `{"id":2,"method":"Browser.setDownloadBehavior","params":{"behavior":"allow","browserContextId":"`+res.BrowserContextID+`","downloadPath":"`+filepath.Join(dir, "elsewhere")+`"}}`)
	conn.reply(t, 2)
	next, stop := b.downloads.nextDownload()
	defer stop()
	conn.send(t, `{"id":3,"method":"Target.createTarget","params":{"url":"`+srv.URL+`/download?name=ctx.bin&bytes=3000000","browserContextId":"`+res.BrowserContextID+`"}}`)
	conn.reply(t, 3)
	select {
	case d := <-next:
		if !d.TooLarge || d.State != "canceled" {
			t.Errorf("a 3 MB download in a client's context with a 1 MB cap: %+v; want it cancelled", d)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server saw no download in the client's context")
	}
	// Chromium may still hold an empty placeholder and a partial file of a
	// cancelled download, which it removes on its own thread; noted as
	// cancelled, they are no download.
	noted := CanceledDownloads(downloads)["ctx.bin"]
	for _, p := range []string{filepath.Join(downloads, "ctx.bin"), filepath.Join(downloads, "ctx.bin.crdownload"), filepath.Join(dir, "elsewhere")} {
		if info, err := os.Stat(p); err == nil && !(noted && (info.Size() == 0 || strings.HasSuffix(p, ".crdownload"))) {
			t.Errorf("%s is there", p)
		}
	}
}
