package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
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

// ContextRecords is a ProfileStore that also keeps the contexts' records
// (small JSON objects by context id), so that every server sharing the
// store (PROFILE_STORE in cluster mode) sees the same contexts. A missing
// record is fs.ErrNotExist.
type ContextRecords interface {
	PutRecord(ctx context.Context, id string, raw []byte) error
	Record(ctx context.Context, id string) ([]byte, error)
	DeleteRecord(ctx context.Context, id string) error
	RecordIDs(ctx context.Context) ([]string, error)
}

// contexts keeps context records in the profile store when it is a
// ContextRecords (PROFILE_STORE), else as one JSON file each under the data
// dir, and their profiles in a ProfileStore (the configured PROFILE_STORE,
// or copies under the data dir). mu orders saves against loads on this
// server: a copy is never deleted while a session is being started from it.
type contexts struct {
	records  ContextRecords
	profiles ProfileStore
	mu       sync.RWMutex
}

func openContexts(cfg Config) (*contexts, error) {
	root := filepath.Join(cfg.DataDir, "contexts")
	local := &localRecords{dir: filepath.Join(root, "records")}
	if err := os.MkdirAll(local.dir, 0o700); err != nil {
		return nil, err
	}
	c := &contexts{records: local, profiles: cfg.Profiles}
	if _, ok := cfg.Profiles.(LocalProfiles); ok {
		c.profiles = localCopies{root: filepath.Join(root, "profiles")}
	} else if shared, ok := cfg.Profiles.(ContextRecords); ok {
		c.records = shared
		ctx, cancel := context.WithTimeout(context.Background(), profileTimeout)
		defer cancel()
		// A record that could not move stays here, and is tried again
		// at the next start.
		slogErr("could not move the context records into PROFILE_STORE", local.moveTo(ctx, shared))
	}
	return c, nil
}

// profileID names a context's copies in the ProfileStore; session ids never
// hold a dash, so the two never meet.
func profileID(id string) string { return "context-" + id }

func (c *contexts) read(ctx context.Context, id string) (*Context, error) {
	if !validContextID(id) {
		return nil, errContextNotFound(id)
	}
	raw, err := c.records.Record(ctx, id)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errContextNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	var rec Context
	return &rec, json.Unmarshal(raw, &rec)
}

func (c *contexts) write(ctx context.Context, rec *Context) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return c.records.PutRecord(ctx, rec.ID, raw)
}

// localRecords keeps context records as files under dir.
type localRecords struct{ dir string }

func (l *localRecords) path(id string) string { return filepath.Join(l.dir, id+".json") }

// PutRecord stores a record durably: a temporary file, synced, renamed.
func (l *localRecords) PutRecord(_ context.Context, id string, raw []byte) error {
	tmp, err := os.CreateTemp(l.dir, ".context-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(raw)
	err = errors.Join(err, tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), l.path(id))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func (l *localRecords) Record(_ context.Context, id string) ([]byte, error) {
	return os.ReadFile(l.path(id))
}

func (l *localRecords) DeleteRecord(_ context.Context, id string) error {
	return os.Remove(l.path(id))
}

func (l *localRecords) RecordIDs(context.Context) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(l.dir, "*.json"))
	ids := make([]string, len(files))
	for i, f := range files {
		ids[i] = strings.TrimSuffix(filepath.Base(f), ".json")
	}
	return ids, err
}

// moveTo moves the records kept here (by a server that ran before
// PROFILE_STORE kept them) into the shared store, keeping any the store
// already holds.
func (l *localRecords) moveTo(ctx context.Context, shared ContextRecords) error {
	ids, err := l.RecordIDs(ctx)
	for _, id := range ids {
		raw, rerr := l.Record(ctx, id)
		if rerr == nil {
			if _, serr := shared.Record(ctx, id); errors.Is(serr, fs.ErrNotExist) {
				rerr = shared.PutRecord(ctx, id, raw)
			} else {
				rerr = serr
			}
		}
		if rerr == nil {
			rerr = l.DeleteRecord(ctx, id)
		}
		err = errors.Join(err, rerr)
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
	ctx, cancel := s.bounded(profileTimeout)
	defer cancel()
	s.contexts.mu.Lock()
	defer s.contexts.mu.Unlock()
	if err := s.contexts.write(ctx, c); err != nil {
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
	ctx, cancel := s.bounded(profileTimeout)
	defer cancel()
	c, err := s.contexts.read(ctx, id)
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
	ctx, cancel := s.bounded(profileTimeout)
	ids, err := s.contexts.records.RecordIDs(ctx)
	cancel()
	if err != nil {
		slog.Error("could not list the contexts", "err", err)
		return nil, storeUnreadable("the context list")
	}
	out := []*Context{}
	for _, id := range ids {
		c, err := s.getContext(id)
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
	ctx, cancel := s.bounded(profileTimeout)
	defer cancel()
	if err := s.contexts.records.DeleteRecord(ctx, id); err != nil {
		slog.Error("could not delete a context", "context", id, "err", err)
		return storeUnavailable("the context's deletion")
	}
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
	if err := s.contexts.write(ctx, c); err != nil {
		s.contexts.profiles.DeleteKey(ctx, key)
		return err
	}
	if old != "" {
		slogErr("could not delete a context's previous copy", s.contexts.profiles.DeleteKey(ctx, old), "context", id)
	}
	return nil
}
