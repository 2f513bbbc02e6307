package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestClosingEveryTabKeepsSessionCookies: a headless browser without a
// guard tab whose every tab is closed stays up, and its next tab still has
// the session cookie a page set; Chromium deletes it when the profile's
// last window closes unless the profile continues its last session.
func TestClosingEveryTabKeepsSessionCookies(t *testing.T) {
	srv := testutil.ServePages(t)
	ctx := context.Background()
	b, p := launchProfile(t, filepath.Join(testutil.DataDir(t), "profile"))
	if _, err := p.Goto(ctx, srv.URL+"/click.html", Load, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	eval(t, p, "document.cookie = 'visit=1; path=/'; return document.cookie")
	p.CloseTab()
	waitNoTabs(t, b)
	time.Sleep(time.Second) // the jar's clean-up runs after the window is gone
	select {
	case <-b.Done():
		t.Fatal("the browser ended when its last tab closed")
	default:
	}
	next, err := b.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	if _, err := next.Goto(ctx, srv.URL+"/click.html", Load, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := eval(t, next, "document.cookie"); !strings.Contains(got, "visit=1") {
		t.Errorf("cookies after every tab closed: %q, want the session cookie visit=1", got)
	}
}

// waitNoTabs waits until the browser has no page open.
func waitNoTabs(t *testing.T, b *Browser) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		tabs, err := b.Tabs(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(tabs) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d tabs still open", len(tabs))
		}
	}
}

// TestRelaunchOpensNoTabOfTheLastRun: continuing the last session is only
// a preference for the jar; a browser started again on the profile opens
// none of the tabs its last run had, when the engine's tab opens either.
// It fails when the last run's tabs are kept: Chromium restores them.
func TestRelaunchOpensNoTabOfTheLastRun(t *testing.T) {
	srv := testutil.ServePages(t)
	profile := filepath.Join(testutil.DataDir(t), "profile")
	b, p := launchProfile(t, profile)
	if _, err := p.Goto(context.Background(), srv.URL+"/click.html", Load, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := b.mux.Call(context.Background(), "", "Target.createTarget", map[string]any{"url": srv.URL + "/list.html"}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(500 * time.Millisecond) // the tabs load and Chromium records its session
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Launch(LaunchOptions{ExecPath: testutil.ChromePath(t), ProfileDir: profile, TempDir: filepath.Join(testutil.DataDir(t), "tmp"), Headless: true})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Kill()
	p2, err := again.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()
	time.Sleep(time.Second) // a restore would open its tabs by now
	if tabs, err := again.Tabs(context.Background()); err != nil || len(tabs) != 1 {
		t.Errorf("after a relaunch the browser has tabs %+v (%v), want the engine's alone", tabs, err)
	}
}

// TestPrepareProfileKeepsOtherPreferences: the preference is set and
// every other one kept; a file that is not JSON is replaced; a hard link
// under the temporary name is not written through; a link that leads out
// of the profile is refused and what it names left alone.
func TestPrepareProfileKeepsOtherPreferences(t *testing.T) {
	profile := t.TempDir()
	prefs := filepath.Join(profile, "Default", "Preferences")
	os.MkdirAll(filepath.Dir(prefs), 0o700)
	os.WriteFile(prefs, []byte(`{"big":12345678901234567890,"session":{"restore_on_startup":5,"startup_urls":["a"]}}`), 0o600)
	if err := prepareProfile(profile, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(prefs)
	if string(got) != `{"big":12345678901234567890,"session":{"restore_on_startup":1,"startup_urls":["a"]}}` {
		t.Errorf("preferences: %s", got)
	}
	os.WriteFile(prefs, []byte("not json"), 0o600)
	if err := prepareProfile(profile, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(prefs); string(got) != `{"session":{"restore_on_startup":1}}` {
		t.Errorf("preferences replacing a damaged file: %s", got)
	}
	inside := filepath.Join(profile, "kept.json")
	os.WriteFile(inside, []byte(`{"kept":1}`), 0o600)
	if err := os.Link(inside, prefs+".sessionql"); err != nil {
		t.Fatal(err)
	}
	os.Remove(prefs)
	if err := prepareProfile(profile, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(inside); string(got) != `{"kept":1}` {
		t.Errorf("the write went through a link left under the temporary name: %s", got)
	}
	outside := filepath.Join(t.TempDir(), "secret.json")
	os.WriteFile(outside, []byte(`{"secret":1}`), 0o600)
	os.Remove(prefs)
	if err := os.Symlink(outside, prefs); err != nil {
		t.Fatal(err)
	}
	if err := prepareProfile(profile, nil); err == nil {
		t.Error("a link out of the profile was followed")
	}
	if got, _ := os.ReadFile(outside); string(got) != `{"secret":1}` {
		t.Errorf("the file the link names was changed: %s", got)
	}
	if entries, _ := os.ReadDir(filepath.Dir(prefs)); len(entries) != 1 {
		t.Errorf("the profile holds %d files, want only the link", len(entries))
	}
}

// TestPrepareProfileStaysInTheProfile: the last run's folders are deleted,
// but a "Default" that links out of the profile is refused, and the folder
// it names keeps what it holds.
func TestPrepareProfileStaysInTheProfile(t *testing.T) {
	profile := t.TempDir()
	for _, name := range lastRun {
		os.MkdirAll(filepath.Join(profile, name), 0o700)
	}
	if err := prepareProfile(profile, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range lastRun {
		if _, err := os.Stat(filepath.Join(profile, name)); err == nil {
			t.Errorf("%s is still in the profile", name)
		}
	}
	outside := t.TempDir()
	os.MkdirAll(filepath.Join(outside, "Session Storage"), 0o700)
	linked := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(linked, "Default")); err != nil {
		t.Fatal(err)
	}
	if err := prepareProfile(linked, nil); err == nil {
		t.Error("a Default that links out of the profile was followed")
	}
	if _, err := os.Stat(filepath.Join(outside, "Session Storage")); err != nil {
		t.Errorf("the folder the link names lost its Session Storage: %v", err)
	}
}
