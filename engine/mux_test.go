//go:build linux

package engine

import (
	"os"
	"testing"

	"github.com/sessionql/sessionql/engine/internal/launcher"
	"golang.org/x/sys/unix"
)

func TestPipesAreGrown(t *testing.T) {
	for _, pipe := range []any{shared.proc.In, shared.proc.Out} {
		raw, err := pipe.(*os.File).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var size int
		raw.Control(func(fd uintptr) { size, _ = unix.FcntlInt(fd, unix.F_GETPIPE_SZ, 0) })
		if size < launcher.PipeSize {
			t.Errorf("pipe buffer is %d bytes, want %d", size, launcher.PipeSize)
		}
	}
}
