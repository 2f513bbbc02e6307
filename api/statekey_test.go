package api

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestStateKey checks STATE_KEY end to end on session cookies, which only
// the store keeps (Chromium never writes them): state written in clear
// before a key was set is still read; with a key the store file does not
// hold the cookie's value, and a restart with the key brings it back; a
// restart with another key starts the session from its profile.
func TestStateKey(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	page := pages.URL + "/list.html"
	endpoint := func() string { return srv.URL + "/sessions/" + s.ID + "/bql" } // the port changes at restart
	setCookie(t, endpoint(), page, "plain", "written-before-the-key")

	key := make([]byte, 32)
	rand.Read(key)
	srv.cfg.StateKey = key
	srv.restart(t)
	if got := readCookies(t, endpoint(), page); got["plain"] != "written-before-the-key" {
		t.Fatalf("a clear state is not read once a key is set: %v", got)
	}
	const secret = "f0a1-cookie-value-only-in-the-store"
	setCookie(t, endpoint(), page, "sealed", secret)
	srv.stop()
	raw, err := os.ReadFile(filepath.Join(srv.dataDir, "sessions.db"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte("written-before-the-key")) {
		t.Error("the store file holds a cookie value in clear")
	}

	srv.start(t)
	if got := readCookies(t, endpoint(), page); got["sealed"] != secret || got["plain"] != "written-before-the-key" {
		t.Errorf("after a restart with the key: %v", got)
	}
	other := make([]byte, 32)
	rand.Read(other)
	srv.cfg.StateKey = other
	srv.restart(t)
	if got := readCookies(t, endpoint(), page); got["sealed"] != "" {
		t.Errorf("another key read the state: %v", got)
	}
}

// setCookie sets a session cookie (no expiry) on the page's URL.
func setCookie(t *testing.T, endpoint, page, name, value string) {
	t.Helper()
	q := `mutation($url: String!, $name: String!, $value: String!) { goto(url: $url) { status } cookies(cookies: [{name: $name, value: $value}]) { cookies { name } } }`
	if status, res := bql(t, endpoint, q, map[string]any{"url": page, "name": name, "value": value}); status != 200 || len(res.Errors) > 0 {
		t.Fatalf("set cookie: %d %+v", status, res)
	}
}

// readCookies returns the cookies the page's URL sends, by name.
func readCookies(t *testing.T, endpoint, page string) map[string]string {
	t.Helper()
	status, res := bql(t, endpoint, `mutation($url: String!) { goto(url: $url) { status } cookies { cookies { name value } } }`, map[string]any{"url": page})
	var got struct {
		Cookies []struct{ Name, Value string }
	}
	if err := jsonUnmarshal(res.Data["cookies"], &got); status != 200 || err != nil || len(res.Errors) > 0 {
		t.Fatalf("read cookies: %d %+v %v", status, res, err)
	}
	out := map[string]string{}
	for _, c := range got.Cookies {
		out[c.Name] = c.Value
	}
	return out
}
