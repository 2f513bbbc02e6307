package sessions

import (
	"time"

	"github.com/sessionql/sessionql/events"
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
				if s.hibernateHeld(e, false) {
					s.Record(e.id, events.Hibernated, map[string]string{"reason": "idle"})
				}
			})
		case e.dueCheckpoint(now.Add(-checkpointEvery)) && e.tryTakeTurn():
			s.wg.Go(func() {
				defer e.endTurn()
				if page := e.currentPage(); page != nil {
					slogErr("could not checkpoint a session with clients", s.checkpoint(e, page), "session", e.id)
				}
			})
		}
		s.pingQuiet(e)
	}
	s.expireLogs(now)
	s.sweep(now)
}
