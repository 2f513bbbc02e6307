package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// fileJSON is a file of a session as clients read it.
type fileJSON struct {
	Name      string
	Size      int64
	MimeType  string
	CreatedAt string
	Complete  bool
	Path      string
}

// part is one file of a multipart upload; name goes into the part's
// header as it is.
type part struct {
	name string
	body []byte
}

// upload posts files as multipart/form-data to a session's uploads.
func upload(t *testing.T, srv *server, id string, parts ...part) response {
	t.Helper()
	return uploadTo(t, srv.URL+"/sessions/"+id+"/uploads", parts...)
}

// uploadTo posts files as multipart/form-data, each in a part named file.
func uploadTo(t *testing.T, url string, parts ...part) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, p.name))
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.body)
	}
	mw.Close()
	return doHeader(t, "POST", url, buf.String(), map[string]string{"Content-Type": mw.FormDataContentType()})
}

// dataFiles lists the files of the data dir but for the browsers' profiles
// and temporary folders, which Chromium writes to as it likes.
func dataFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, path)
		if d != nil && d.IsDir() && (rel == "profiles" || rel == "tmp") {
			return filepath.SkipDir
		}
		if err == nil && !d.IsDir() && !strings.HasPrefix(rel, "sessions.db") {
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func listFilesOf(t *testing.T, srv *server, id, kind string) []fileJSON {
	t.Helper()
	r := do(t, "GET", srv.URL+"/sessions/"+id+"/"+kind, nil)
	if r.Status != 200 {
		t.Fatalf("GET %s: %d %s", kind, r.Status, r.Body)
	}
	return decodeAs[map[string][]fileJSON](t, r)[kind]
}

// TestSessionFiles: an upload reaches a form's handler through
// setInputFiles byte for byte; a link with download and an attachment land
// in the session's downloads with their bytes, and one past
// MAX_DOWNLOAD_BYTES is cancelled; the files survive a restart (which
// hibernates the browser) and go with the session.
func TestSessionFiles(t *testing.T) {
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.MaxDownloadBytes, c.MaxUploadBytes = 1<<20, 1<<20 })
	pages := testutil.ServePages(t)
	s := srv.create(t, map[string]any{"stealth": true})
	body := bytes.Repeat([]byte("upload\x00\xff"), 5000)
	r := upload(t, srv, s.ID, part{"data.bin", body})
	if r.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	up := decodeAs[map[string][]fileJSON](t, r)["uploads"]
	if len(up) != 1 || up[0].Name != "data.bin" || up[0].Size != int64(len(body)) || up[0].Path != filepath.Join(srv.dataDir, "files", s.ID, "uploads", "data.bin") {
		t.Fatalf("upload answered %+v", up)
	}
	if got := listFilesOf(t, srv, s.ID, "uploads"); len(got) != 1 || got[0].Name != "data.bin" {
		t.Errorf("uploads: %+v", got)
	}

	status, res := bql(t, s.BrowserQL, `mutation($u: String!) {
		goto(url: $u) { status }
		setInputFiles(selector: "#one", files: ["data.bin"]) { files }
		click(selector: "#send", waitForNavigation: true) { time }
		text(selector: "#files") { text }
	}`, map[string]any{"u": pages.URL + "/files.html"})
	if status != 200 || len(res.Errors) > 0 {
		t.Fatalf("setInputFiles: %d %+v", status, res.Errors)
	}
	var text struct{ Text string }
	json.Unmarshal(res.Data["text"], &text)
	sum := sha256.Sum256(body)
	if !strings.Contains(text.Text, `"Name":"data.bin","Size":40000,"SHA256":"`+hex.EncodeToString(sum[:])+`"`) {
		t.Errorf("the form's handler got %s; want data.bin with the uploaded bytes", text.Text)
	}

	status, res = bql(t, s.BrowserQL, `mutation($u: String!) {
		goto(url: $u) { status }
		saved: download(selector: "#save") { name size mimeType }
		attached: download(selector: "#attachment") { name size mimeType }
	}`, map[string]any{"u": pages.URL + "/files.html"})
	if status != 200 || len(res.Errors) > 0 {
		t.Fatalf("download: %d %+v", status, res.Errors)
	}
	if got := string(res.Data["attached"]); got != `{"name":"attached.bin","size":100000,"mimeType":"application/octet-stream"}` {
		t.Errorf("download of the attachment answered %s", got)
	}
	status, res = bql(t, s.BrowserQL, `mutation { big: download(selector: "#big") { name } }`, nil)
	if status != 200 || len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "payload_too_large" {
		t.Errorf("a 3 MB download with a 1 MB cap: %d %+v; want payload_too_large", status, res.Errors)
	}

	css, _ := os.ReadFile(filepath.Join(testutil.Testdata(), "pages", "style.css"))
	checkDownloads := func(when string) {
		t.Helper()
		got := listFilesOf(t, srv, s.ID, "downloads")
		names := []string{}
		for _, f := range got {
			names = append(names, fmt.Sprintf("%s:%d:%v", f.Name, f.Size, f.Complete))
		}
		slices.Sort(names)
		if want := []string{"attached.bin:100000:true", fmt.Sprintf("saved.txt:%d:true", len(css))}; !slices.Equal(names, want) {
			t.Errorf("%s: downloads %v; want %v", when, names, want)
		}
		r := do(t, "GET", srv.URL+"/sessions/"+s.ID+"/downloads/attached.bin", nil)
		if r.Status != 200 || !bytes.Equal(r.Body, testutil.DownloadBytes(100000)) || r.Header.Get("Content-Disposition") != `attachment; filename=attached.bin` {
			t.Errorf("%s: GET attached.bin: %d, %d bytes, %q", when, r.Status, len(r.Body), r.Header.Get("Content-Disposition"))
		}
		r = do(t, "GET", srv.URL+"/sessions/"+s.ID+"/downloads/saved.txt", nil)
		if r.Status != 200 || !bytes.Equal(r.Body, css) || r.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("%s: GET saved.txt: %d %q, %d bytes", when, r.Status, r.Header.Get("Content-Type"), len(r.Body))
		}
	}
	checkDownloads("before the restart")
	srv.restart(t)
	checkDownloads("after the restart")
	if got := listFilesOf(t, srv, s.ID, "uploads"); len(got) != 1 || got[0].Size != int64(len(body)) {
		t.Errorf("uploads after the restart: %+v", got)
	}

	if r := do(t, "DELETE", srv.URL+"/sessions/"+s.ID+"/downloads/saved.txt", nil); r.Status != http.StatusNoContent {
		t.Errorf("DELETE saved.txt: %d %s", r.Status, r.Body)
	}
	if r := do(t, "GET", srv.URL+"/sessions/"+s.ID+"/downloads/saved.txt", nil); r.Status != http.StatusNotFound || decodeAs[errorJSON](t, r).Error.Code != "file_not_found" {
		t.Errorf("GET a deleted download: %d %s", r.Status, r.Body)
	}
	if r := do(t, "DELETE", srv.URL+"/sessions/"+s.ID+"/uploads/data.bin", nil); r.Status != http.StatusNoContent {
		t.Errorf("DELETE data.bin: %d %s", r.Status, r.Body)
	}
	if r := do(t, "DELETE", srv.URL+"/sessions/"+s.ID, nil); r.Status != http.StatusNoContent {
		t.Fatalf("stop: %d", r.Status)
	}
	if dir := filepath.Join(srv.dataDir, "files", s.ID); exists(dir) {
		t.Errorf("%s is still there after the session ended", dir)
	}
}

// TestSessionFilesRefuseBadNamesAndLargeBodies: path tricks are 400,
// bodies past MAX_UPLOAD_BYTES 413, and none of them writes a file
// anywhere in the data dir.
func TestSessionFilesRefuseBadNamesAndLargeBodies(t *testing.T) {
	srv := newServer(t, func(c *sessionsConfig, _ *Config) { c.MaxUploadBytes = 64 << 10 })
	s := srv.create(t, map[string]any{})
	if r := upload(t, srv, s.ID, part{"kept.txt", []byte("kept")}); r.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	before := dataFiles(t, srv.dataDir)
	for _, name := range []string{"../escape.txt", "../../escape.txt", "/tmp/escape.txt", `..\escape.txt`, "a/b.txt", "..", ".", "", "nul\x00.txt", "tab\t.txt", strings.Repeat("a", 256), "x.crdownload"} {
		r := upload(t, srv, s.ID, part{"fine.txt", []byte("fine")}, part{name, []byte("escape")})
		if r.Status != http.StatusBadRequest {
			t.Errorf("upload named %q: %d %s; want 400", name, r.Status, r.Body)
		}
	}
	for _, name := range []string{"..%2Fescape.txt", "%2Ftmp%2Fescape.txt", "nul%00.txt", strings.Repeat("a", 256), "a%5Cb"} {
		for _, m := range []string{"GET /downloads/", "DELETE /downloads/", "DELETE /uploads/"} {
			method, path, _ := strings.Cut(m, " ")
			if r := do(t, method, srv.URL+"/sessions/"+s.ID+path+name, nil); r.Status != http.StatusBadRequest {
				t.Errorf("%s%s: %d %s; want 400", m, name, r.Status, r.Body)
			}
		}
	}
	big := bytes.Repeat([]byte("x"), 64<<10)
	if r := upload(t, srv, s.ID, part{"big.bin", big}); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("an upload that passes MAX_UPLOAD_BYTES with the kept file: %d %s; want 413", r.Status, r.Body)
	}
	if r := upload(t, srv, s.ID, part{"huge.bin", bytes.Repeat(big, 20)}); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("a body far past MAX_UPLOAD_BYTES: %d %s; want 413", r.Status, r.Body)
	}
	if r := do(t, "GET", srv.URL+"/sessions/"+s.ID+"/downloads/"+url.PathEscape("missing.txt"), nil); r.Status != http.StatusNotFound {
		t.Errorf("GET a missing download: %d", r.Status)
	}
	if r := doHeader(t, "POST", srv.URL+"/sessions/"+s.ID+"/uploads", `{"name":"x"}`, nil); r.Status != http.StatusUnsupportedMediaType {
		t.Errorf("a JSON upload: %d %s; want 415", r.Status, r.Body)
	}
	if after := dataFiles(t, srv.dataDir); !slices.Equal(before, after) {
		t.Errorf("refused requests changed the data dir:\nbefore %v\nafter  %v", before, after)
	}
}

// TestPuppeteerDownloadsLandInTheSession: a Puppeteer client that sets a
// download path outside the session with Browser.setDownloadBehavior and
// Page.setDownloadBehavior gets its download in the session's folder.
func TestPuppeteerDownloadsLandInTheSession(t *testing.T) {
	srv := newServer(t)
	outside := filepath.Join(testutil.DataDir(t), "outside")
	out := cdpNode(t, srv, "puppeteer-download.mjs", "OUTSIDE="+outside)
	var got struct {
		Session  sessionJSON
		Progress struct{ FilePath string }
	}
	if err := json.Unmarshal(bytes.SplitN(out, []byte("\n"), 2)[0], &got); err != nil {
		t.Fatalf("script printed %q: %v", out, err)
	}
	want := filepath.Join(srv.dataDir, "files", got.Session.ID, "downloads", "attached.bin")
	if got.Progress.FilePath != want {
		t.Errorf("the browser saved the download at %q; want %q", got.Progress.FilePath, want)
	}
	if files := listFilesOf(t, srv, got.Session.ID, "downloads"); len(files) != 1 || files[0].Name != "attached.bin" || files[0].Size != 100000 {
		t.Errorf("downloads: %+v", files)
	}
	if exists(outside) {
		t.Errorf("the client's download path %s was created", outside)
	}
}
