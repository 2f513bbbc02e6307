package sessions

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/sessionql/sessionql"
)

// ProfileStore is where hibernated profiles live. A browser always runs on
// a profile directory in the data dir; on hibernation the Service hands
// that directory to the store, and before a wake it asks the store to put
// the kept copy back. LocalProfiles, which leaves the directory where it
// is, is the default.
type ProfileStore interface {
	// Save keeps the closed profile in dir for session id and returns the
	// key of the new copy; "" means the directory itself is the copy. The
	// previous copy stays until DeleteKey.
	Save(ctx context.Context, id, dir string) (key string, err error)
	// Load replaces dir with the copy kept under key. A copy that is gone
	// or unusable gives an error that wraps ErrProfileLost.
	Load(ctx context.Context, key, dir string) error
	// DeleteKey removes one copy.
	DeleteKey(ctx context.Context, key string) error
	// Delete removes every copy kept for session id.
	Delete(ctx context.Context, id string) error
}

// ErrProfileLost is wrapped by the errors of a kept profile that is gone
// or cannot be used (deleted behind the server's back, damaged, too large):
// trying again does not help.
var ErrProfileLost = errors.New("the kept profile is lost")

// LocalProfiles keeps hibernated profiles where their browsers ran, under
// DATA_DIR/profiles: there is nothing to copy.
type LocalProfiles struct{}

// Save keeps the directory itself.
func (LocalProfiles) Save(context.Context, string, string) (string, error) { return "", nil }

// Load has nothing to fetch.
func (LocalProfiles) Load(context.Context, string, string) error { return nil }

// DeleteKey has nothing to delete.
func (LocalProfiles) DeleteKey(context.Context, string) error { return nil }

// Delete has nothing to delete: the Service removes the directory.
func (LocalProfiles) Delete(context.Context, string) error { return nil }

// profileTimeout bounds one upload or download of a profile.
const profileTimeout = 2 * time.Minute

// keepProfile hands a hibernated profile to the profile store and points
// the record at the new copy only once it is kept; the old copy is deleted
// after. A failed upload leaves the previous copy in use, and keepProfile
// reports false: the next wake gets an older profile, so the store must
// keep all of the state. The caller holds e.wake and the browser has exited.
func (s *Service) keepProfile(e *entry) (kept bool) {
	ctx, cancel := s.bounded(profileTimeout)
	defer cancel()
	s.filesIntoProfile(e.id)
	defer func() {
		slogErr("could not take the session's files back out of its profile", s.filesOutOfProfile(e.id), "session", e.id)
	}()
	key, err := s.profiles.Save(ctx, e.id, s.profileDir(e.id))
	if err != nil {
		slog.Error("could not keep the hibernated profile; the previous copy stays in use", "session", e.id, "err", err)
		return false
	}
	if key == "" {
		return true
	}
	var old string
	err = s.save(e, func(next *Session) { old, next.Profile = next.Profile, key })
	if err != nil {
		slog.Error("could not point the session at its new profile copy; the previous copy stays in use", "session", e.id, "err", err)
		slogErr("could not delete an unused profile copy", s.profiles.DeleteKey(ctx, key), "session", e.id, "key", key)
		return false
	}
	e.setUnpacked(key)
	if old != "" {
		slogErr("could not delete the previous profile copy", s.profiles.DeleteKey(ctx, old), "session", e.id, "key", old)
	}
	return true
}

// fetchProfile puts the session's kept profile in its directory before a
// launch, unless that directory already holds it.
func (s *Service) fetchProfile(ctx context.Context, e *entry, sess *Session) error {
	if sess.Profile == "" || e.isUnpacked(sess.Profile) {
		return nil
	}
	dir := s.profileDir(sess.ID)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	err := s.profiles.Load(ctx, sess.Profile, dir)
	if errors.Is(err, ErrProfileLost) {
		os.RemoveAll(dir)
		return sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The kept profile of session %s cannot be used (%v), so its browser cannot start with its state; stop the session and create a new one.", sess.ID, err)
	}
	if err != nil {
		os.RemoveAll(dir)
		slog.Error("could not fetch the session's profile", "session", sess.ID, "err", err)
		return storeUnreadable("the profile of session " + sess.ID)
	}
	if err := s.filesOutOfProfile(sess.ID); err != nil {
		slog.Error("could not take the session's files out of its profile", "session", sess.ID, "err", err)
	}
	e.setUnpacked(sess.Profile)
	return nil
}

// dropProfiles deletes every kept copy of a stopped session's profile.
func (s *Service) dropProfiles(id string) {
	ctx, cancel := s.bounded(profileTimeout)
	defer cancel()
	slogErr("could not delete the session's kept profile", s.profiles.Delete(ctx, id), "session", id)
}
