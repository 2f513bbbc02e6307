package sessions

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// prepareDirs creates the data dir, ends orphaned browsers and empties the
// temporary dir they used.
func prepareDirs(cfg Config) error {
	for _, dir := range []string{cfg.DataDir, profilesDir(cfg)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	killOrphans(profilesDir(cfg))
	if err := os.RemoveAll(tempRoot(cfg)); err != nil {
		return err
	}
	return os.MkdirAll(tempRoot(cfg), 0o700)
}

func (s *Service) profileDir(id string) string { return filepath.Join(profilesDir(s.cfg), id) }

func profilesDir(cfg Config) string { return filepath.Join(cfg.DataDir, "profiles") }

// maxTempRoot keeps Chromium's socket paths under TMPDIR within the 108
// bytes a Unix socket path may have.
const maxTempRoot = 48

// tempRoot holds the TMPDIR of every launch. It is under the data dir when
// that path is short, else in the system temp dir under a name derived from
// the data dir, so that the next start finds and cleans it either way.
func tempRoot(cfg Config) string {
	root := filepath.Join(cfg.DataDir, "tmp")
	if len(root) <= maxTempRoot {
		return root
	}
	sum := sha256.Sum256([]byte(cfg.DataDir))
	return filepath.Join(os.TempDir(), "sessionql-"+hex.EncodeToString(sum[:6]))
}

// killOrphans ends browsers that a previous server left running on this
// data dir, e.g. after it was killed with SIGKILL, and waits until they are
// gone, so that no profile is still locked when a session wakes.
func killOrphans(profiles string) {
	marker := "--user-data-dir=" + profiles + string(filepath.Separator)
	var killed []int
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !strings.Contains(string(cmd), marker) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(d)); err == nil {
			syscall.Kill(-pid, syscall.SIGKILL)
			syscall.Kill(pid, syscall.SIGKILL)
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
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue
		}
		s := string(stat)
		if i := strings.LastIndexByte(s, ')'); i > 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X' {
			return true
		}
	}
	return false
}
