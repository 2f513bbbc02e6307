//go:build !linux

package launcher

import (
	"os"
	"syscall"
)

// supported is false: without a parent-death signal and /proc, a browser
// could outlive the server and the next server could not find it, so Start
// refuses with ErrUnsupported.
const supported = false

func sysProcAttr(*User) *syscall.SysProcAttr { return nil }

func killGroup(int) {}

func growPipe(*os.File) {}

func cpuTicks(int) int64 { return 0 }

// ReapOrphans does nothing here: no browser was started to be left behind.
func ReapOrphans(string) {}

// owner cannot tell who owns a file here, so every folder counts as passable.
func owner(os.FileInfo) (uid, gid uint32, ok bool) { return 0, 0, false }
