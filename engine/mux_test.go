package engine

import (
	"syscall"
	"testing"
)

func TestPipesAreGrown(t *testing.T) {
	for _, pipe := range []any{shared.mux.r, shared.mux.w} {
		raw, err := pipe.(syscall.Conn).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var size uintptr
		raw.Control(func(fd uintptr) { size, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSize+1, 0) }) // F_GETPIPE_SZ
		if size < pipeSize {
			t.Errorf("pipe buffer is %d bytes, want %d", size, pipeSize)
		}
	}
}
