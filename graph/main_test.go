package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/internal/testutil"
	"go.uber.org/goleak"
)

// shared is the one browser of this test binary; each test gets its own tab.
var shared *engine.Browser

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sessionql-graph-test-")
	if err != nil {
		panic(err)
	}
	code := run(m, dir)
	os.RemoveAll(dir)
	os.Exit(code)
}

func run(m *testing.M, dir string) int {
	b, err := engine.Launch(engine.LaunchOptions{
		ExecPath: testutil.ChromePath(&testing.T{}), ProfileDir: filepath.Join(dir, "profile"),
		TempDir: filepath.Join(dir, "tmp"), Headless: true, Window: engine.Size{Width: 1280, Height: 720},
	})
	if err != nil {
		fmt.Println("launch:", err)
		return 1
	}
	shared = b
	code := m.Run()
	shared.Close()
	if left := testutil.Processes(dir); len(left) > 0 {
		fmt.Println("browser processes outlived the tests:", left)
		return 1
	}
	if err := goleak.Find(); err != nil {
		fmt.Println(err)
		return 1
	}
	return code
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
		err := h.Serve(w, r, func(*http.Request) (*engine.Page, func(), error) { return page, func() {}, nil })
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
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	res := gqlResult{Status: resp.StatusCode}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	return res
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
