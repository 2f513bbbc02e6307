package sessions

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sessionql/sessionql/engine"
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

// TestListFilesHidesWhatACancelledDownloadLeft: Chromium deletes the files
// of a download the engine cancelled after it reports the cancel, and may
// create <name>.crdownload and its empty placeholder only then; the list
// never shows them, nor a download under way of another name, nor a
// complete file of the cancelled name.
func TestListFilesHidesWhatACancelledDownloadLeft(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"big.bin": "", "big.bin.crdownload": "half", // left by the cancelled big.bin
		"small.bin": "", "small.bin.crdownload": "x", // under way
		"other.bin":                  "kept", // complete; a cancelled one of that name was before it
		engine.CanceledDownloadsFile: "big.bin\nother.bin\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := listFiles(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, fmt.Sprintf("%s:%d:%v", f.Name, f.Size, f.Complete))
	}
	slices.Sort(got)
	if want := []string{"other.bin:4:true", "small.bin:1:false"}; !slices.Equal(got, want) {
		t.Errorf("listed %v; want %v", got, want)
	}
}
