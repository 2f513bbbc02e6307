package testutil

import (
	"os/exec"
	"syscall"
)

// ownChild makes cmd's process die with the test binary, which a test
// timeout ends with a panic that runs no cleanup, and, with uid > 0, run
// as that user. Go sets the parent-death signal after the user change, so
// the change does not clear it.
func ownChild(cmd *exec.Cmd, uid, gid int) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if uid > 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
}
