package api

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// wantRefused checks that a command got sessionql's CDP refusal.
func wantRefused(t *testing.T, what string, m cdpMessage) {
	t.Helper()
	if m.Error == nil || m.Error.Code != -32000 || !strings.Contains(m.Error.Message, "refused by sessionql") {
		t.Errorf("%s: got %+v %s, want a -32000 refusal by sessionql", what, m.Error, m.Result)
	}
}

// TestCDPPolicyRefusesWhatCrossesTheSession sends each refused or checked
// row of engine's policy table over a raw connect WebSocket.
func TestCDPPolicyRefusesWhatCrossesTheSession(t *testing.T) {
	srv := newServer(t)
	pages := testutil.ServePages(t)
	s := srv.create(t, map[string]any{})
	c := cdpDial(t, s.Connect, nil)
	tab := c.open(pages.URL + "/local.html")
	var tree struct {
		FrameTree struct{ Frame struct{ ID string } }
	}
	json.Unmarshal(c.call(tab, "Page.getFrameTree", nil), &tree)
	var targets struct {
		TargetInfos []struct{ TargetID, Type string }
	}
	json.Unmarshal(c.call("", "Target.getTargets", nil), &targets)
	target := targets.TargetInfos[0].TargetID

	for _, cmd := range []struct {
		session, method string
		params          any
	}{
		{"", "Target.exposeDevToolsProtocol", map[string]any{"targetId": target}},
		{"", "Target.openDevTools", map[string]any{"targetId": target}},
		{"", "Target.setRemoteLocations", map[string]any{"locations": []any{map[string]any{"host": "127.0.0.1", "port": 9222}}}},
		{"", "Tethering.bind", map[string]any{"port": 9333}},
		{"", "Extensions.loadUnpacked", map[string]any{"path": "/tmp"}},
		{"", "PWA.launchFilesInApp", map[string]any{"manifestId": "x", "files": []string{"/etc/hostname"}}},
		{"", "PWA.install", map[string]any{"manifestId": "x", "installUrlOrBundleUrl": "/tmp/app.swbn"}},
		{"", "PWA.launch", map[string]any{"manifestId": "x", "url": "file:///etc/hostname"}},
		{"", "Browser.getBrowserCommandLine", nil},
		{"", "Tracing.start", map[string]any{"tracingBackend": "system"}},
		{"", "Target.createTarget", map[string]any{"url": "file:///etc/hostname"}},
		{"", "Target.createTarget", map[string]any{"url": "chrome://version"}},
		{tab, "Page.navigate", map[string]any{"url": "file:///etc/hostname"}},
		{tab, "Page.navigate", map[string]any{"url": " FILE:///etc/hostname"}},
		{tab, "Page.navigate", map[string]any{"url": "fi\tle:///etc/hostname"}},
		{tab, "Page.navigate", map[string]any{"url": "chrome://version"}},
		{tab, "Page.navigate", map[string]any{"url": "about:version"}},
		{tab, "Page.navigate", map[string]any{"url": "chrome-untrusted://print/"}},
		{tab, "Page.navigate", map[string]any{"url": "devtools://devtools/bundled/inspector.html"}},
		{tab, "Page.navigate", map[string]any{"url": "view-source:" + pages.URL}},
		{tab, "Network.loadNetworkResource", map[string]any{"frameId": tree.FrameTree.Frame.ID, "url": "file:///etc/hostname", "options": map[string]any{"disableCache": true, "includeCredentials": false}}},
		{tab, "Fetch.continueRequest", map[string]any{"requestId": "1", "url": "file:///etc/hostname"}},
		{tab, "Network.continueInterceptedRequest", map[string]any{"interceptionId": "1", "url": "file:///etc/hostname"}},
		{"", "Target.sendMessageToTarget", map[string]any{"sessionId": tab, "message": `{"id":1,"method":"Page.navigate","params":{"url":"file:///etc/hostname"}}`}},
		{tab, "Input.dispatchDragEvent", map[string]any{"type": "dragEnter", "x": 10, "y": 10, "data": map[string]any{"items": []any{}, "files": []string{"/etc/hostname"}, "dragOperationsMask": 1}}},
	} {
		wantRefused(t, cmd.method+" "+string(mustJSON(cmd.params)), c.callRaw(cmd.session, cmd.method, cmd.params))
	}
	if m := c.callRaw("", "Target.createBrowserContext", map[string]any{"proxyServer": "direct://"}); m.Error != nil {
		t.Errorf("without BLOCK_PRIVATE_NETWORKS a context's own proxy is the user's business: %+v", m.Error)
	}
	if m := c.callRaw(tab, "Page.navigate", map[string]any{"url": pages.URL + "/local.html"}); m.Error != nil {
		t.Errorf("an http: navigation was refused: %+v", m.Error)
	}
}

func mustJSON(v any) []byte {
	raw, _ := json.Marshal(v)
	return raw
}

// TestCDPFileInputsTakeOnlyTheSessionsUploads hands files to a file input:
// only files in the session's uploads folder reach the page.
func TestCDPFileInputsTakeOnlyTheSessionsUploads(t *testing.T) {
	srv := newServer(t)
	pages := testutil.ServePages(t)
	s := srv.create(t, map[string]any{})
	c := cdpDial(t, s.Connect, nil)
	tab := c.open(pages.URL + "/local.html")
	uploads := filepath.Join(srv.dataDir, "files", s.ID, "uploads")
	if err := os.WriteFile(filepath.Join(uploads, "note.txt"), []byte("a note"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(srv.dataDir, "sessions.db"), filepath.Join(uploads, "store")); err != nil {
		t.Fatal(err)
	}
	var doc struct{ Root struct{ NodeID int64 } }
	json.Unmarshal(c.call(tab, "DOM.getDocument", nil), &doc)
	var input struct{ NodeID int64 }
	json.Unmarshal(c.call(tab, "DOM.querySelector", map[string]any{"nodeId": doc.Root.NodeID, "selector": "#upload"}), &input)
	for _, bad := range []string{filepath.Join(srv.dataDir, "sessions.db"), "/etc/hostname", "../../../sessions.db", "store", "missing.txt"} {
		wantRefused(t, "setFileInputFiles "+bad, c.callRaw(tab, "DOM.setFileInputFiles", map[string]any{"nodeId": input.NodeID, "files": []string{bad}}))
	}
	if got := string(c.eval(tab, `document.getElementById('upload').files.length`)); got != "0" {
		t.Fatalf("a refused file reached the page: %s files", got)
	}
	c.call(tab, "DOM.setFileInputFiles", map[string]any{"nodeId": input.NodeID, "files": []string{"note.txt"}})
	if got := string(c.eval(tab, `document.getElementById('upload').files[0].text()`)); got != `"a note"` {
		t.Errorf("the page read %s from the uploaded file, want \"a note\"", got)
	}
}

// TestCDPDownloadsLandInTheSessionsFolder asks for downloads elsewhere, in
// both domains, and checks where they land.
func TestCDPDownloadsLandInTheSessionsFolder(t *testing.T) {
	srv := newServer(t)
	pages := testutil.ServePages(t)
	s := srv.create(t, map[string]any{})
	c := cdpDial(t, s.Connect, nil)
	elsewhere := filepath.Join(testutil.DataDir(t), "elsewhere")
	c.call("", "Browser.setDownloadBehavior", map[string]any{"behavior": "allow", "downloadPath": elsewhere})
	tab := c.open(pages.URL + "/local.html")
	c.eval(tab, `document.getElementById('download').click()`)
	downloads := filepath.Join(srv.dataDir, "files", s.ID, "downloads")
	waitFor(t, filepath.Join(downloads, "report.txt"))
	c.call(tab, "Page.setDownloadBehavior", map[string]any{"behavior": "allow", "downloadPath": elsewhere})
	c.eval(tab, `document.getElementById('download2').click()`)
	waitFor(t, filepath.Join(downloads, "second.txt"))
	if exists(elsewhere) {
		t.Errorf("a download went to the user's downloadPath %s", elsewhere)
	}
	do(t, "DELETE", s.Stop, nil)
	if exists(filepath.Join(srv.dataDir, "files", s.ID)) {
		t.Errorf("the stopped session's files are still in %s", filepath.Join(srv.dataDir, "files", s.ID))
	}
}

// waitFor waits for a file to appear, such as a finished download.
func waitFor(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if exists(path) {
			return
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	t.Fatalf("%s did not appear; the folder holds %v", path, entries)
}
