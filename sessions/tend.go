package sessions

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// tendEvery is how often expiry and idleness are checked; expiry is
// enforced within this much of the deadline.
const tendEvery = 100 * time.Millisecond

// checkpointEvery is how often the state of a browser that a CDP client
// uses is saved; BrowserQL requests save it after each request.
const checkpointEvery = 2 * time.Second

// tend ends expired sessions, hibernates idle browsers and saves the state
// of browsers that CDP clients use, until Close.
func (s *Service) tend() {
	defer s.wg.Done()
	tick := time.NewTicker(tendEvery)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-tick.C:
			s.tendOnce(now)
		}
	}
}

// tendOnce never waits for a browser: endings and hibernations run in the
// background, so one slow browser cannot delay another session's expiry.
func (s *Service) tendOnce(now time.Time) {
	for _, e := range s.all() {
		switch {
		case e.expired(now):
			s.endLater(e)
		case e.idleSince(now.Add(-s.cfg.IdleTimeout)) && e.tryLockWake():
			s.wg.Go(func() {
				defer e.unlockWake()
				s.hibernateHeld(e, false)
			})
		case e.dueCheckpoint(now.Add(-checkpointEvery)) && e.tryTakeTurn():
			s.wg.Go(func() {
				defer e.endTurn()
				if page := e.livePage(); page != nil {
					s.checkpoint(e, page)
				}
			})
		}
	}
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
