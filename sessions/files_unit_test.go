package sessions

import (
	"os"
	"path/filepath"
	"testing"
)

// TestListFilesShowsADownloadUnderWayOnce: Chromium writes a download as
// <name>.crdownload beside an empty placeholder <name>; the list has one
// incomplete entry for both.
func TestListFilesShowsADownloadUnderWayOnce(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"big.bin": "", "big.bin.crdownload": "half", "done.txt": "done"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := listFiles(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]File{}
	for _, f := range files {
		got[f.Name] = f
	}
	if len(files) != 2 || got["big.bin"].Complete || got["big.bin"].Size != 4 || !got["done.txt"].Complete || got["done.txt"].MimeType != "text/plain; charset=utf-8" {
		t.Errorf("listed %+v; want big.bin incomplete with 4 bytes and done.txt complete", files)
	}
}
