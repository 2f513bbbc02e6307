package launcher

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

const supported = true

// sysProcAttr gives the browser its own process group, so that ending it
// ends its renderers too, and SIGKILL when the server dies.
func sysProcAttr(u *User) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: u.credential()}
}

func killGroup(pid int) { unix.Kill(-pid, unix.SIGKILL) }

// growPipe asks for a larger pipe buffer; where it cannot be had, the pipe
// works as it is.
func growPipe(f *os.File) {
	raw, err := f.SyscallConn()
	if err != nil {
		return
	}
	raw.Control(func(fd uintptr) { unix.FcntlInt(fd, unix.F_SETPIPE_SZ, PipeSize) })
}

// ReapOrphans ends browsers that a previous server left running on profiles,
// the folder of every session's profile, e.g. after it was killed with
// SIGKILL, and waits until they are gone, so that no profile is still
// locked when a session wakes.
func ReapOrphans(profiles string) {
	marker := "--user-data-dir=" + profiles + string(filepath.Separator)
	var killed []int
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !strings.Contains(string(cmd), marker) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(d)); err == nil {
			unix.Kill(-pid, unix.SIGKILL)
			unix.Kill(pid, unix.SIGKILL)
			killed = append(killed, pid)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); anyRunning(killed) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
}

// anyRunning reports whether one of pids is a process that has not exited.
func anyRunning(pids []int) bool {
	for _, pid := range pids {
		if f := statFields(pid); len(f) > 0 && f[0] != "Z" && f[0] != "X" {
			return true
		}
	}
	return false
}

// cpuTicks reads utime and stime from /proc/<pid>/stat.
func cpuTicks(pid int) int64 {
	f := statFields(pid)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return utime + stime
}

// statFields are the fields of /proc/<pid>/stat after the command name,
// starting with the state; nil when the process is gone.
func statFields(pid int) []string {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	s := string(stat)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
}

// credential is the process credential for exec; nil keeps the server's.
func (u *User) credential() *syscall.Credential {
	if u == nil {
		return nil
	}
	return &syscall.Credential{Uid: u.UID, Gid: u.GID, Groups: []uint32{}}
}

// owner is the user and group that own a file.
func owner(info os.FileInfo) (uid, gid uint32, ok bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return st.Uid, st.Gid, true
}
