package api

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestStateKey checks STATE_KEY end to end on session cookies and
// sessionStorage: state written in clear before a key was set is still
// read; with a key the store file does not hold their values, and a
// restart with the key brings them back; a restart with another key starts
// the session from its profile, which never holds sessionStorage (the
// engine drops it at every launch). Session cookies are in the profile too
// (see engine/profile.go), so only sessionStorage tells that the other
// key read nothing.
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
	const tabSecret = "b7c2-session-storage-only-in-the-store"
	setCookie(t, endpoint(), page, "sealed", secret)
	setSessionStorage(t, endpoint(), page, tabSecret)
	srv.stop()
	raw, err := os.ReadFile(filepath.Join(srv.dataDir, "sessions.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{secret, tabSecret, "written-before-the-key"} {
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("the store file holds %q in clear", v)
		}
	}

	srv.start(t)
	if got := readCookies(t, endpoint(), page); got["sealed"] != secret || got["plain"] != "written-before-the-key" {
		t.Errorf("after a restart with the key: %v", got)
	}
	if got := readSessionStorage(t, endpoint(), page); got != tabSecret {
		t.Errorf("sessionStorage after a restart with the key: %q, want %q", got, tabSecret)
	}
	other := make([]byte, 32)
	rand.Read(other)
	srv.cfg.StateKey = other
	srv.restart(t)
	if got := readSessionStorage(t, endpoint(), page); got != "" {
		t.Errorf("another key read the state: sessionStorage holds %q", got)
	}
}

// setSessionStorage stores v under "k" in the page's sessionStorage.
func setSessionStorage(t *testing.T, endpoint, page, v string) {
	t.Helper()
	q := `mutation($url: String!, $js: String!) { goto(url: $url) { status } evaluate(content: $js) { value } }`
	if status, res := bql(t, endpoint, q, map[string]any{"url": page, "js": "sessionStorage.setItem('k', '" + v + "'); return 1;"}); status != 200 || len(res.Errors) > 0 {
		t.Fatalf("set sessionStorage: %d %+v", status, res)
	}
}

// readSessionStorage returns what the page's sessionStorage holds under
// "k", or "" for nothing.
func readSessionStorage(t *testing.T, endpoint, page string) string {
	t.Helper()
	q := `mutation($url: String!) { goto(url: $url) { status } evaluate(content: "return sessionStorage.getItem('k') || '';") { value } }`
	status, res := bql(t, endpoint, q, map[string]any{"url": page})
	var got struct{ Value string }
	if err := jsonUnmarshal(res.Data["evaluate"], &got); status != 200 || err != nil || len(res.Errors) > 0 {
		t.Fatalf("read sessionStorage: %d %+v %v", status, res, err)
	}
	return got.Value
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
