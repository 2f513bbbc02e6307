package graph

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/internal/testutil"
)

// shared is the one browser of this test binary; each test gets its own tab.
var shared *engine.Browser

func TestMain(m *testing.M) {
	testutil.RunMain(m, func(dir string) (func(), error) {
		b, err := engine.Launch(engine.LaunchOptions{
			ExecPath: testutil.ChromePath(&testing.T{}), ProfileDir: filepath.Join(dir, "profile"),
			TempDir: filepath.Join(dir, "tmp"), Headless: true, Window: engine.Size{Width: 1280, Height: 720},
		})
		if err != nil {
			return nil, err
		}
		shared = b
		return func() { shared.Close() }, nil
	})
}

// bqlServer serves BrowserQL over HTTP on a fresh tab of the shared browser,
// as the session endpoint does.
func bqlServer(t *testing.T) *httptest.Server {
	t.Helper()
	page, err := shared.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler("test")
	if err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(WithEndpoints(r.Context(), testEndpoints(srv.URL)))
		err := h.Serve(w, r, func(*http.Request) (*engine.Page, func() error, error) { return page, func() error { return nil }, nil })
		if err != nil {
			t.Errorf("acquire: %v", err)
		}
	}))
	t.Cleanup(func() {
		srv.Close()
		h.Close()
		page.CloseTab()
	})
	return srv
}

// testEndpoints are the session URLs the test server claims, for reconnect.
func testEndpoints(base string) Endpoints {
	return Endpoints{BrowserQL: base + "/bql", Connect: "ws" + strings.TrimPrefix(base, "http") + "/connect"}
}

// gqlResult is a GraphQL response as a client reads it.
type gqlResult struct {
	Status int
	Data   map[string]json.RawMessage
	Errors []struct {
		Message    string
		Path       []any
		Extensions map[string]any
	}
}

// post sends a GraphQL request as any GraphQL client does.
func post(t *testing.T, url, query string, variables map[string]any) gqlResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	return postBody(t, url, string(body))
}

// field decodes one top-level field of the data.
func field[T any](t *testing.T, res gqlResult, name string) T {
	t.Helper()
	var v T
	raw, ok := res.Data[name]
	if !ok {
		t.Fatalf("no field %q in %v", name, res.Data)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("field %q: %v", name, err)
	}
	return v
}
