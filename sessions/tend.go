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
const tendEvery = 200 * time.Millisecond

// tend ends expired sessions and hibernates idle browsers until Close.
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

func (s *Service) tendOnce(now time.Time) {
	s.mu.Lock()
	entries := s.list()
	s.mu.Unlock()
	for _, e := range entries {
		switch {
		case e.expired(now):
			slogErr("could not delete an expired session", s.end(e), "session", e.id)
		case e.idleSince(now.Add(-s.cfg.IdleTimeout)):
			s.hibernate(e)
		}
	}
}

// killOrphans ends browsers that a previous server left running on this
// data dir, e.g. after it was killed with SIGKILL.
func killOrphans(profiles string) {
	marker := "--user-data-dir=" + profiles + string(filepath.Separator)
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !strings.Contains(string(cmd), marker) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(d)); err == nil {
			syscall.Kill(-pid, syscall.SIGKILL)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
