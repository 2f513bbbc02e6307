package sessions

import (
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

// Config is what the server was told at start.
type Config struct {
	DataDir      string
	ChromePath   string
	MaxBrowsers  int
	MaxSessions  int
	IdleTimeout  time.Duration
	Queue        int
	QueueTimeout time.Duration
	MaxTTL       time.Duration
}

// Service holds every session, wakes their browsers on demand and
// hibernates or stops them. Open starts it; Close hibernates every live
// browser and closes the store.
type Service struct {
	cfg   Config
	store *Store
	slots *slots

	mu      sync.Mutex
	entries map[string]*entry
	broken  map[string]bool // unreadable records: they answer a clear error
	closing bool

	stop chan struct{}
	wg   sync.WaitGroup
}

// Open loads the store, ends browsers that a previous server left behind,
// and starts the loop that expires and hibernates sessions.
func Open(cfg Config) (*Service, error) {
	for _, dir := range []string{cfg.DataDir, profilesDir(cfg), tempRoot(cfg)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	killOrphans(profilesDir(cfg))
	os.RemoveAll(tempRoot(cfg))
	os.MkdirAll(tempRoot(cfg), 0o700)
	store, err := OpenStore(filepath.Join(cfg.DataDir, "sessions.db"))
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, store: store, slots: newSlots(cfg), entries: map[string]*entry{}, broken: map[string]bool{}, stop: make(chan struct{})}
	if err := s.load(); err != nil {
		store.Close()
		return nil, err
	}
	s.wg.Add(1)
	go s.tend()
	return s, nil
}

func (s *Service) load() error {
	all, broken, err := s.store.All()
	if err != nil {
		return err
	}
	for _, sess := range all {
		s.entries[sess.ID] = newEntry(sess)
	}
	for _, id := range broken {
		s.broken[id] = true
	}
	return nil
}

// Close stops the loop, hibernates every live browser cleanly so its state
// is flushed to its profile, and closes the store.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return nil
	}
	s.closing = true
	entries := s.list()
	s.mu.Unlock()
	close(s.stop)
	s.wg.Wait()
	var wg sync.WaitGroup
	for _, e := range entries {
		wg.Go(func() { s.hibernate(e) })
	}
	wg.Wait()
	return s.store.Close()
}

// Create stores a new session; its browser starts on first use.
func (s *Service) Create(opts Options, ttl time.Duration, metadata json.RawMessage) (*Session, error) {
	now := time.Now()
	sess := &Session{ID: newID(), CreatedAt: now, ExpiresAt: now.Add(ttl), TTL: ttl, Options: opts, UserMetadata: metadata}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The server is shutting down; try again shortly.")
	}
	if len(s.entries) >= s.cfg.MaxSessions {
		return nil, tooMany(fmt.Sprintf("The server holds its maximum of %d sessions; stop one first.", s.cfg.MaxSessions), s.cfg.MaxSessions, 0, time.Second)
	}
	if err := s.store.Put(sess); err != nil {
		return nil, fmt.Errorf("store session: %w", err)
	}
	s.entries[sess.ID] = newEntry(sess)
	return sess.clone(), nil
}

// Get returns a copy of a session and its status.
func (s *Service) Get(id string) (*Session, Status, error) {
	e, err := s.entry(id)
	if err != nil {
		return nil, "", err
	}
	return e.snapshot()
}

// List returns the sessions that match, newest first.
func (s *Service) List(f Filter) ([]View, string, error) {
	s.mu.Lock()
	entries := s.list()
	s.mu.Unlock()
	views := make([]View, 0, len(entries))
	for _, e := range entries {
		sess, status, err := e.snapshot()
		if err == nil && f.match(sess, status) {
			views = append(views, View{Session: sess, Status: status})
		}
	}
	sort.Slice(views, func(i, j int) bool { return newer(views[i].Session, views[j].Session) })
	return f.page(views)
}

// View is a session with its status, as listings show it.
type View struct {
	Session *Session
	Status  Status
}

// Update sets a new TTL counted from now and/or replaces the metadata.
func (s *Service) Update(id string, ttl *time.Duration, metadata *json.RawMessage) (*Session, Status, error) {
	e, err := s.entry(id)
	if err != nil {
		return nil, "", err
	}
	e.mu.Lock()
	next := e.sess.clone()
	if ttl != nil {
		next.TTL, next.ExpiresAt = *ttl, time.Now().Add(*ttl)
	}
	if metadata != nil {
		next.UserMetadata = *metadata
	}
	if err := s.store.Put(next); err != nil {
		e.mu.Unlock()
		return nil, "", err
	}
	e.sess = next
	e.mu.Unlock()
	return e.snapshot()
}

// Stop ends a session: its browser, its profile and its record.
func (s *Service) Stop(id string) error {
	e, err := s.entry(id)
	if err != nil {
		return err
	}
	return s.end(e)
}

func (s *Service) end(e *entry) error {
	s.mu.Lock()
	if s.entries[e.id] != e {
		s.mu.Unlock()
		return nil
	}
	delete(s.entries, e.id)
	s.mu.Unlock()
	err := s.store.Delete(e.id)
	e.stop(s.slots)
	os.RemoveAll(s.profileDir(e.id))
	return err
}

// entry finds a session that is still alive; an expired one is ended now.
func (s *Service) entry(id string) (*entry, error) {
	s.mu.Lock()
	e, ok := s.entries[id]
	broken := s.broken[id]
	s.mu.Unlock()
	if broken {
		return nil, sessionql.Errorf(sessionql.CodeSessionNotFound, "Session %s cannot be read from the store; stop it and create a new one.", id)
	}
	if !ok {
		return nil, sessionql.Errorf(sessionql.CodeSessionNotFound, "No session %q: it never existed, was stopped, or expired.", id)
	}
	if e.expired(time.Now()) {
		go s.end(e)
		return nil, sessionql.Errorf(sessionql.CodeSessionNotFound, "Session %s has expired.", id)
	}
	return e, nil
}

// list returns every entry; the caller holds s.mu.
func (s *Service) list() []*entry {
	out := make([]*entry, 0, len(s.entries))
	for _, e := range s.entries {
		out = append(out, e)
	}
	return out
}

func newer(a, b *Session) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.After(b.CreatedAt)
	}
	return a.ID > b.ID
}

func (s *Session) clone() *Session {
	c := *s
	c.Options.Args = append([]string(nil), s.Options.Args...)
	if s.Options.Proxy != nil {
		p := *s.Options.Proxy
		c.Options.Proxy = &p
	}
	return &c
}

var errStopped = errors.New("the session was stopped")

func slogErr(msg string, err error, args ...any) {
	if err != nil {
		slog.Warn(msg, append(args, "err", err)...)
	}
}
