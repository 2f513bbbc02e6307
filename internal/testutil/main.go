package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// RunMain runs a package's tests around a shared resource, such as one
// browser for the whole test binary. start gets a fresh temporary folder
// and returns what ends the resource. The run fails when a process that
// mentions the folder or a goroutine outlives the tests.
func RunMain(m *testing.M, name string, start func(dir string) (stop func(), err error)) {
	dir, err := os.MkdirTemp("", "sessionql-"+name+"-test-")
	if err == nil {
		err = os.Chmod(dir, 0o711)
	}
	if err != nil {
		panic(err)
	}
	code := runMain(m, dir, start)
	os.RemoveAll(dir)
	os.Exit(code)
}

func runMain(m *testing.M, dir string, start func(string) (func(), error)) int {
	stop, err := start(dir)
	if err != nil {
		fmt.Println("start:", err)
		return 1
	}
	code := m.Run()
	stop()
	if left := Processes(dir); len(left) > 0 {
		fmt.Println("browser processes outlived the tests:", left)
		return 1
	}
	if err := goleak.Find(); err != nil {
		fmt.Println(err)
		return 1
	}
	return code
}

// DataDir is a fresh temporary folder for a test, which the unprivileged
// user that browsers run as may pass through: t.TempDir makes it and its
// parent mode 0700.
func DataDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
