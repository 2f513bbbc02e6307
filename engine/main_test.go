package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
	"go.uber.org/goleak"
)

// shared is the one browser of this test binary; each test gets its own tab.
var shared *Browser

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sessionql-engine-test-")
	if err != nil {
		panic(err)
	}
	code := run(m, dir)
	os.RemoveAll(dir)
	os.Exit(code)
}

func run(m *testing.M, dir string) int {
	t := &testing.T{}
	shared, err := Launch(LaunchOptions{
		ExecPath: testutil.ChromePath(t), ProfileDir: filepath.Join(dir, "profile"),
		TempDir: filepath.Join(dir, "tmp"), Headless: true, Window: Size{1280, 720},
	})
	if err != nil {
		fmt.Println("launch:", err)
		return 1
	}
	setShared(shared)
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

func setShared(b *Browser) { shared = b }

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
