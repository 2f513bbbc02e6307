package testutil

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// RunMain runs a package's tests around a shared resource, such as one
// browser for the whole test binary. start gets a fresh temporary folder
// and returns what ends the resource. The run fails when a process that
// mentions the folder or a goroutine outlives the tests.
func RunMain(m *testing.M, name string, start func(dir string) (stop func(), err error)) {
	dir, err := os.MkdirTemp("", "sessionql-"+name+"-test-")
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
