package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/sessionql/sessionql"
)

// Context is reusable browser state: a saved profile that sessions start
// from, and that sessions created with persist save back to when they end.
// Version counts the saves; the save that finishes last is the one kept.
type Context struct {
	ID        string    `json:"id"`
	Name      string    `json:"name,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int       `json:"version"`
	Profile   string    `json:"profile,omitempty"` // the key of the kept copy; "" while nothing was saved
}

// ContextRef is a session's tie to a context: it starts from the context's
// profile and, with Persist, saves its own back when it ends.
type ContextRef struct {
	ID      string `json:"id"`
	Persist bool   `json:"persist,omitempty"`
}

// contextStateFile carries, inside a context's kept profile, the state that
// Chromium does not keep in the profile itself (session cookies,
// sessionStorage), so that one copy holds everything.
const contextStateFile = "sessionql-state.json"

// contexts keeps context records as one JSON file each under the data dir,
// and their profiles in a ProfileStore (the configured PROFILE_STORE, or
// copies under the data dir). mu orders saves against loads: a copy is
// never deleted while a session is being started from it.
type contexts struct {
	dir      string
	profiles ProfileStore
	mu       sync.RWMutex
}

func openContexts(cfg Config) (*contexts, error) {
	root := filepath.Join(cfg.DataDir, "contexts")
	c := &contexts{dir: filepath.Join(root, "records"), profiles: cfg.Profiles}
	if _, local := cfg.Profiles.(LocalProfiles); local {
		c.profiles = localCopies{root: filepath.Join(root, "profiles")}
	}
	return c, os.MkdirAll(c.dir, 0o700)
}

// profileID names a context's copies in the ProfileStore; session ids never
// hold a dash, so the two never meet.
func profileID(id string) string { return "context-" + id }

func (c *contexts) path(id string) string { return filepath.Join(c.dir, id+".json") }

func (c *contexts) read(id string) (*Context, error) {
	raw, err := os.ReadFile(c.path(id))
	if errors.Is(err, os.ErrNotExist) || !validContextID(id) {
		return nil, errContextNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	var ctx Context
	return &ctx, json.Unmarshal(raw, &ctx)
}

// write stores a record durably: a temporary file, synced, renamed.
func (c *contexts) write(ctx *Context) error {
	raw, err := json.Marshal(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.dir, ".context-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(raw)
	err = errors.Join(err, tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), c.path(ctx.ID))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func validContextID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func errContextNotFound(id string) error {
	return sessionql.Errorf(sessionql.CodeContextNotFound, "No context %q: it never existed or was deleted.", id)
}

// CreateContext stores a new, empty context.
func (s *Service) CreateContext(name string) (*Context, error) {
	now := time.Now()
	c := &Context{ID: newID(), Name: name, CreatedAt: now, UpdatedAt: now}
	s.contexts.mu.Lock()
	defer s.contexts.mu.Unlock()
	if err := s.contexts.write(c); err != nil {
		slog.Error("could not store a new context", "err", err)
		return nil, storeUnavailable("the new context, so it was not created")
	}
	return c, nil
}

// GetContext returns a context's record.
func (s *Service) GetContext(id string) (*Context, error) {
	s.contexts.mu.RLock()
	defer s.contexts.mu.RUnlock()
	return s.getContext(id)
}

func (s *Service) getContext(id string) (*Context, error) {
	c, err := s.contexts.read(id)
	if err != nil && sessionql.ErrorCode(err) != sessionql.CodeContextNotFound {
		slog.Error("could not read a context", "context", id, "err", err)
		return nil, storeUnreadable("context " + id)
	}
	return c, err
}

// ListContexts returns every context, or those named name, newest first.
func (s *Service) ListContexts(name string) ([]*Context, error) {
	s.contexts.mu.RLock()
	defer s.contexts.mu.RUnlock()
	files, err := filepath.Glob(filepath.Join(s.contexts.dir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := []*Context{}
	for _, f := range files {
		c, err := s.getContext(filepath.Base(f[:len(f)-len(".json")]))
		if err == nil && (name == "" || c.Name == name) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

// DeleteContext removes a context's record and every copy of its profile.
// Sessions started from it keep their own copies; a persist save of one
// that ends later finds no context and is dropped.
func (s *Service) DeleteContext(id string) error {
	s.contexts.mu.Lock()
	defer s.contexts.mu.Unlock()
	if _, err := s.getContext(id); err != nil {
		return err
	}
	if err := os.Remove(s.contexts.path(id)); err != nil {
		slog.Error("could not delete a context", "context", id, "err", err)
		return storeUnavailable("the context's deletion")
	}
	ctx, cancel := s.bounded(profileTimeout)
	defer cancel()
	slogErr("could not delete a context's kept profile", s.contexts.profiles.Delete(ctx, profileID(id)), "context", id)
	return nil
}

// checkContext refuses a session create that names a context that is not
// there.
func (s *Service) checkContext(opts Options) error {
	if opts.Context == nil {
		return nil
	}
	_, err := s.GetContext(opts.Context.ID)
	return err
}

// seedFromContext puts the context's profile into the directory of a
// session whose browser never ran, and its saved state into the store,
// before the first launch. A context deleted meanwhile starts the session
// empty.
func (s *Service) seedFromContext(ctx context.Context, sess *Session) error {
	if sess.Started || sess.Options.Context == nil {
		return nil
	}
	s.contexts.mu.RLock()
	defer s.contexts.mu.RUnlock()
	c, err := s.getContext(sess.Options.Context.ID)
	if sessionql.ErrorCode(err) == sessionql.CodeContextNotFound || err == nil && c.Profile == "" {
		return nil
	}
	if err != nil {
		return err
	}
	dir := s.profileDir(sess.ID)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := s.contexts.profiles.Load(ctx, c.Profile, dir); err != nil {
		os.RemoveAll(dir)
		slog.Error("could not start a session from its context", "session", sess.ID, "context", c.ID, "err", err)
		return sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The profile of context %s could not be fetched (%v); try again, or start the session without it.", c.ID, err)
	}
	return s.takeContextState(sess.ID, dir)
}

// takeContextState moves the state file of a context's copy into the
// session's store entry, where the first launch restores it from.
func (s *Service) takeContextState(id, dir string) error {
	path := filepath.Join(dir, contextStateFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	os.Remove(path)
	return s.store.PutState(id, raw)
}

// saveToContext saves a persist session's profile back to its context as
// the session ends: the browser is closed cleanly first, so that Chromium
// has written everything to the profile. The caller has forgotten e.
func (s *Service) saveToContext(e *entry) {
	e.mu.Lock()
	sess := e.sess.clone()
	e.mu.Unlock()
	ref := sess.Options.Context
	if ref == nil || !ref.Persist || !sess.Started {
		return
	}
	ctx, cancel := s.bounded(profileTimeout)
	defer cancel()
	if err := e.lockWake(ctx); err != nil {
		slog.Error("could not save the session to its context: its browser did not let go of the profile", "session", e.id, "context", ref.ID)
		return
	}
	defer e.unlockWake()
	s.hibernateHeld(e, true)
	e.mu.Lock()
	sess = e.sess.clone()
	e.mu.Unlock()
	err := s.fetchProfile(ctx, e, sess)
	if err == nil {
		err = s.saveContextCopy(ctx, ref.ID, e.id)
	}
	slogErr("could not save the session to its context", err, "session", e.id, "context", ref.ID)
}

// saveContextCopy keeps a copy of session id's closed profile, with its
// saved state, as the context's new version: the save that finishes last
// wins, and the copy it replaces is deleted.
func (s *Service) saveContextCopy(ctx context.Context, contextID, id string) error {
	dir := s.profileDir(id)
	raw, err := s.store.State(id)
	if err != nil {
		return err
	}
	if raw != nil {
		if err := os.WriteFile(filepath.Join(dir, contextStateFile), raw, 0o600); err != nil {
			return err
		}
		defer os.Remove(filepath.Join(dir, contextStateFile))
	}
	key, err := s.contexts.profiles.Save(ctx, profileID(contextID), dir)
	if err != nil {
		return err
	}
	return s.pointContext(ctx, contextID, key)
}

// pointContext makes key the context's current copy.
func (s *Service) pointContext(ctx context.Context, id, key string) error {
	s.contexts.mu.Lock()
	defer s.contexts.mu.Unlock()
	c, err := s.getContext(id)
	if err != nil {
		slogErr("could not delete a copy for a deleted context", s.contexts.profiles.DeleteKey(ctx, key), "context", id)
		return fmt.Errorf("the context is gone: %w", err)
	}
	old := c.Profile
	c.Profile, c.Version, c.UpdatedAt = key, c.Version+1, time.Now()
	if err := s.contexts.write(c); err != nil {
		s.contexts.profiles.DeleteKey(ctx, key)
		return err
	}
	if old != "" {
		slogErr("could not delete a context's previous copy", s.contexts.profiles.DeleteKey(ctx, old), "context", id)
	}
	return nil
}
