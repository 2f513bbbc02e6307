package engine

import (
	"path/filepath"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// shared is the one browser of this test binary; each test gets its own tab.
var shared *Browser

func TestMain(m *testing.M) {
	testutil.RunMain(m, func(dir string) (func(), error) {
		b, err := Launch(LaunchOptions{
			ExecPath: testutil.ChromePath(&testing.T{}), ProfileDir: filepath.Join(dir, "profile"),
			TempDir: filepath.Join(dir, "tmp"), Headless: true, Window: Size{1280, 720},
		})
		if err != nil {
			return nil, err
		}
		shared = b
		return func() { shared.Close() }, nil
	})
}

// newPage opens a fresh tab on the shared browser, closed after the test.
func newPage(t *testing.T) *Page {
	t.Helper()
	p, err := shared.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.CloseTab)
	return p
}
