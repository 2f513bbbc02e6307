package api

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// contextJSON is a context as clients read it.
type contextJSON struct {
	ID        string
	Name      string
	CreatedAt string
	UpdatedAt string
	Version   int
}

func createContext(t *testing.T, srv *server, body any) contextJSON {
	t.Helper()
	r := do(t, "POST", srv.URL+"/contexts", body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create context: %d %s", r.Status, r.Body)
	}
	return decodeAs[contextJSON](t, r)
}

func getContext(t *testing.T, srv *server, id string) contextJSON {
	t.Helper()
	r := do(t, "GET", srv.URL+"/contexts/"+id, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("get context: %d %s", r.Status, r.Body)
	}
	return decodeAs[contextJSON](t, r)
}

// setState stores v as a lasting cookie, localStorage and sessionStorage
// item "k" on page.
func setState(t *testing.T, s sessionJSON, page, v string) {
	t.Helper()
	runBQL(t, s, `mutation Set($u: String!, $js: String!) { goto(url: $u) { status } evaluate(content: $js) { value } }`,
		map[string]any{"u": page, "js": `localStorage.setItem('k', '` + v + `'); sessionStorage.setItem('k', '` + v + `'); document.cookie = 'k=` + v + `; max-age=3600'; return 1;`})
}

// readState reads what setState stored, through a fresh visit of page.
func readState(t *testing.T, s sessionJSON, page string) []any {
	t.Helper()
	res := runBQL(t, s, `mutation Get($u: String!) { goto(url: $u) { status } evaluate(content: "JSON.stringify([localStorage.getItem('k'), document.cookie])") { value } }`,
		map[string]any{"u": page})
	var v struct{ Value string }
	if err := json.Unmarshal(res.Data["evaluate"], &v); err != nil {
		t.Fatal(err)
	}
	var out []any
	if err := json.Unmarshal([]byte(v.Value), &out); err != nil {
		t.Fatalf("%s: %v", v.Value, err)
	}
	return out
}

func stopSession(t *testing.T, s sessionJSON) {
	t.Helper()
	if r := do(t, "DELETE", s.Stop, nil); r.Status != http.StatusNoContent {
		t.Fatalf("stop: %d %s", r.Status, r.Body)
	}
}

func equalState(t *testing.T, what string, got []any, want ...any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s: %s; want %s", what, g, w)
	}
}

func TestContextPersistsThenIsDeleted(t *testing.T) {
	srv := newServer(t)
	page := testutil.ServePages(t).URL + "/done.html"
	c := createContext(t, srv, map[string]any{"name": "shop"})
	a := srv.create(t, map[string]any{"stealth": true, "name": "first", "context": map[string]any{"id": c.ID, "persist": true}})
	setState(t, a, page, "a")
	if n := len(decodeAs[struct{ Sessions []any }](t, do(t, "GET", srv.URL+"/sessions?name=first", nil)).Sessions); n != 1 {
		t.Errorf("?name=first lists %d sessions; want 1", n)
	}
	stopSession(t, a)
	if v := getContext(t, srv, c.ID).Version; v != 1 {
		t.Errorf("version %d after one save; want 1", v)
	}
	b := srv.create(t, map[string]any{"stealth": true, "context": map[string]any{"id": c.ID}})
	equalState(t, "a session started from the context", readState(t, b, page), "a", "k=a")

	for query, want := range map[string]int{"": 1, "?name=shop": 1, "?name=other": 0} {
		list := decodeAs[struct{ Contexts []contextJSON }](t, do(t, "GET", srv.URL+"/contexts"+query, nil))
		if len(list.Contexts) != want {
			t.Errorf("GET /contexts%s: %d contexts; want %d", query, len(list.Contexts), want)
		}
	}
	if r := do(t, "DELETE", srv.URL+"/contexts/"+c.ID, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete context: %d %s", r.Status, r.Body)
	}
	if r := do(t, "GET", srv.URL+"/contexts/"+c.ID, nil); r.Status != http.StatusNotFound || decodeAs[errorJSON](t, r).Error.Code != "context_not_found" {
		t.Errorf("a deleted context: %d %s", r.Status, r.Body)
	}
	if exists(filepath.Join(srv.dataDir, "contexts", "profiles", "context-"+c.ID)) {
		t.Error("the deleted context's profile copies are still on disk")
	}
	r := do(t, "POST", srv.URL+"/sessions", map[string]any{"context": map[string]any{"id": c.ID}})
	if r.Status != http.StatusNotFound {
		t.Errorf("a session on a deleted context: %d %s", r.Status, r.Body)
	}
}

// TestContextTwoSessionsLaterSaveWins: two sessions on one context each
// run on a copy of their own, and the save that finishes last is the
// context's.
func TestContextTwoSessionsLaterSaveWins(t *testing.T) {
	srv := newServer(t)
	page := testutil.ServePages(t).URL + "/done.html"
	c := createContext(t, srv, map[string]any{})
	on := map[string]any{"stealth": true, "context": map[string]any{"id": c.ID, "persist": true}}
	a, b := srv.create(t, on), srv.create(t, on)
	setState(t, a, page, "a")
	equalState(t, "the second session before it wrote", readState(t, b, page), nil, "")
	setState(t, b, page, "b")
	stopSession(t, a)
	stopSession(t, b)
	if v := getContext(t, srv, c.ID).Version; v != 2 {
		t.Errorf("version %d after two saves; want 2", v)
	}
	next := srv.create(t, map[string]any{"stealth": true, "context": map[string]any{"id": c.ID}})
	equalState(t, "the later save", readState(t, next, page), "b", "k=b")
}

func TestContextExportAndImport(t *testing.T) {
	srv := newServer(t)
	pages := testutil.ServePages(t)
	page := pages.URL + "/done.html"
	a := srv.create(t, map[string]any{"stealth": true})
	setState(t, a, page, "x")
	r := do(t, "GET", srv.URL+"/sessions/"+a.ID+"/context", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	var doc struct {
		Cookies                      []map[string]any
		LocalStorage, SessionStorage map[string]map[string]string
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cookies) != 1 || doc.Cookies[0]["name"] != "k" || doc.Cookies[0]["value"] != "x" {
		t.Errorf("exported cookies %v", doc.Cookies)
	}
	if doc.LocalStorage[pages.URL]["k"] != "x" || doc.SessionStorage[pages.URL]["k"] != "x" {
		t.Errorf("exported storage %v %v; want k=x for %s", doc.LocalStorage, doc.SessionStorage, pages.URL)
	}
	if r := do(t, "GET", a.Stop, nil); r.Status != http.StatusOK {
		t.Errorf("the session after export: %d", r.Status)
	}
	var imported map[string]any
	json.Unmarshal(r.Body, &imported)
	b := srv.create(t, map[string]any{"stealth": true, "context": imported})
	equalState(t, "the imported state", readState(t, b, page), "x", "k=x")

	for name, body := range map[string]map[string]any{
		"unknown context":      {"context": map[string]any{"id": "nosuchcontext"}},
		"id and cookies":       {"context": map[string]any{"id": "x", "cookies": []any{}}},
		"cookie without place": {"context": map[string]any{"cookies": []any{map[string]any{"name": "k", "value": "v"}}}},
		"persist without id":   {"context": map[string]any{"persist": true}},
	} {
		if r := do(t, "POST", srv.URL+"/sessions", body); r.Status/100 != 4 {
			t.Errorf("%s: %d %s; want a refusal", name, r.Status, r.Body)
		}
	}
}

func TestKeepAliveFalseEndsWithTheLastClient(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{"keepAlive": false})
	first, second := cdpDial(t, s.Connect, nil), cdpDial(t, s.Connect, nil)
	first.call("", "Browser.getVersion", nil)
	second.call("", "Browser.getVersion", nil)
	first.ws.Close()
	second.call("", "Browser.getVersion", nil) // one client left: the session goes on
	second.ws.Close()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if r := do(t, "GET", s.Stop, nil); r.Status == http.StatusNotFound {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the session outlived its last client")
		}
	}
}
