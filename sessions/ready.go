package sessions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/sessionql/sessionql"
)

// Ready reports whether the server can serve sessions now: it is not
// shutting down, its store answers, the browser binary is there, and the
// last launch did not fail. The error says which does not hold.
func (s *Service) Ready() error {
	if s.isClosing() || s.life.Err() != nil {
		return errShuttingDown()
	}
	if _, err := s.store.State("readyz"); err != nil {
		slog.Error("readiness: the store did not answer", "err", err)
		return sessionql.Errorf(sessionql.CodeStoreUnavailable, "The session store cannot be read; the server log says why.")
	}
	if err := s.checkProfiles(); err != nil {
		slog.Error("readiness: the profile store did not answer", "err", err)
		return sessionql.Errorf(sessionql.CodeStoreUnavailable, "The profile store (PROFILE_STORE) cannot be used; the server log says why.")
	}
	if err := executable(s.cfg.ChromePath); err != nil {
		return sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The browser binary cannot be run: %v.", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.launched != nil {
		return sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The last browser launch failed (%v); ready again once one succeeds.", s.launched)
	}
	return nil
}

// checkProfiles asks a profile store that can tell (PROFILE_STORE's
// bucket or folder) whether it can be used, for at most readyCheckTimeout.
func (s *Service) checkProfiles() error {
	c, ok := s.profiles.(interface{ Check(context.Context) error })
	if !ok {
		return nil
	}
	ctx, cancel := s.bounded(readyCheckTimeout)
	defer cancel()
	return c.Check(ctx)
}

// readyCheckTimeout bounds asking the profile store in a readiness check,
// well inside a probe's usual timeout.
const readyCheckTimeout = 2 * time.Second

func executable(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.IsDir() || info.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

// noteLaunch keeps the outcome of a launch for Ready. A launch that the
// request or a shutdown cut short says nothing about the browser.
func (s *Service) noteLaunch(ctx context.Context, err error) {
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		return
	}
	s.mu.Lock()
	s.launched = err
	s.mu.Unlock()
}

// launchError is the answer to a launch that failed: one cut short by a
// shutdown says so.
func (s *Service) launchError(err error) error {
	if s.life.Err() != nil {
		return errShuttingDown()
	}
	return err
}
