package testutil

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// RunMain runs a package's tests around a shared resource, such as one
// browser for the whole test binary. start gets the run's temp folder (see
// TempRun) and returns what ends the resource. The run fails when a
// process that mentions the folder or a goroutine outlives the tests.
func RunMain(m *testing.M, start func(dir string) (stop func(), err error)) {
	dir, remove := TempRun()
	code := runMain(m, dir, start)
	remove()
	os.Exit(code)
}

// TempRun makes a fresh temp folder for a test binary and makes it the temp
// dir of the whole run (TMPDIR: t.TempDir's, and that of the servers and
// browsers the tests start), so that remove, called at the end, also takes
// what a killed server or browser left behind. Its name is short, as a
// browser's socket path below it must fit the 107 bytes of a Unix socket
// path. Browsers running as another user may pass through it.
func TempRun() (dir string, remove func()) {
	dir, err := os.MkdirTemp("", "sq-")
	if err == nil {
		err = os.Chmod(dir, 0o711)
	}
	if err == nil {
		err = os.Setenv("TMPDIR", dir)
	}
	if err != nil {
		panic(err)
	}
	return dir, func() { os.RemoveAll(dir) }
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

// DataDir is a fresh temporary folder for a test, removed at its end, which
// the unprivileged user that browsers run as may pass through (t.TempDir
// makes its folders mode 0700). Its path is short (the run's temp folder
// and a few characters, where t.TempDir's holds the test's name), so that
// a browser's socket path below it fits a Unix socket path.
func DataDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "d")
	if err == nil {
		err = os.Chmod(dir, 0o711)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// RunInTemp runs a package's tests with a temp folder of their own (see
// TempRun), for packages that start servers but share no resource.
func RunInTemp(m *testing.M) {
	_, remove := TempRun()
	code := m.Run()
	remove()
	os.Exit(code)
}
