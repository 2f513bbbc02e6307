package testutil

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Testdata is the absolute path of the repository's testdata folder.
func Testdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata")
}

// ServePages serves testdata/pages on a local server for the test's life,
// with the paths of pageHandlers. Pages reach a second origin (a cross-site
// iframe) through the other name of the loopback address: localhost for
// 127.0.0.1 and back.
func ServePages(t testing.TB) *httptest.Server {
	dir := filepath.Join(Testdata(), "pages")
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(pageHandlers(http.FileServer(http.Dir(dir))))
	t.Cleanup(srv.Close)
	return srv
}
