//go:build unix

package sessions

import (
	"os"
	"syscall"
)

// unlock drops bbolt's flock on f.
func unlock(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
