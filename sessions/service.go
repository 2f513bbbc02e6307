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
	"github.com/sessionql/sessionql/events"
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
	// BrowserUser, AllowFileURLs and BlockPrivateNetworks keep a session's
	// browser inside its boundary; see engine.LaunchOptions.
	BrowserUser          string
	AllowFileURLs        bool
	BlockPrivateNetworks bool
	// AdLists are the filter lists of sessions with blockAds
	// (BLOCK_ADS_LISTS); empty for engine.DefaultAdLists.
	AdLists []string
	// LaunchTimeout bounds a browser's start; zero means engine.LaunchTimeout.
	LaunchTimeout time.Duration
	// MaxStateBytes bounds the cookies and storage kept per session outside
	// Chromium; zero means DefaultMaxStateBytes.
	MaxStateBytes int
	// MaxAnswerBytes and MaxTabs bound each browser (MAX_ANSWER_BYTES,
	// MAX_TABS); zero means the engine's defaults.
	MaxAnswerBytes int
	MaxTabs        int
	// MaxDownloadBytes and MaxUploadBytes bound what one session's
	// downloads and uploads hold together (MAX_DOWNLOAD_BYTES,
	// MAX_UPLOAD_BYTES); zero means the defaults.
	MaxDownloadBytes int64
	MaxUploadBytes   int64
	// StateKey, 32 bytes, encrypts that state in the store; nil keeps it
	// in clear.
	StateKey []byte
	// LogRetention is how long a session's events are kept after it ends
	// (LOG_RETENTION), LogMaxBytes how much of them per session
	// (LOG_MAX_BYTES); zero means the defaults.
	LogRetention time.Duration
	LogMaxBytes  int
	// RecordingMaxBytes bounds each session's recording
	// (RECORDING_MAX_BYTES); zero means DefaultRecordingMaxBytes.
	RecordingMaxBytes int
	// Store keeps the records; nil opens a BoltStore in DataDir. The
	// Service closes it at Close.
	Store Store
	// Profiles keeps hibernated profiles; nil is LocalProfiles.
	Profiles ProfileStore
	// Cluster, set in cluster mode (NODE_URL), shares sessions with other
	// nodes on Store; see cluster.go. Nil: this server is alone.
	Cluster Cluster
}

// DefaultMaxStateBytes is MAX_STATE_BYTES when none is set: twice what
// Chromium lets one origin keep in localStorage, with room for cookies.
const DefaultMaxStateBytes = 16 << 20

// Service holds every session, wakes their browsers on demand and
// hibernates or stops them. Open starts it; Close hibernates every live
// browser and closes the store.
type Service struct {
	cfg      Config
	store    Store
	cluster  Cluster // nil outside cluster mode
	swept    time.Time
	profiles ProfileStore
	slots    *slots
	metrics  *metrics
	events   *events.Recorder
	contexts *contexts
	// recordings keeps the rrweb events of sessions that record, with
	// the same retention as events; see recording.go.
	recordings *events.Recorder

	mu          sync.Mutex
	entries     map[string]*entry
	broken      map[string]bool // unreadable records: they answer a clear error
	creating    int             // creates between the limit check and the store write
	closing     bool
	logsExpired time.Time // the last expireLogs; see events.go
	launched    error     // why the last launch failed, nil after one succeeded; see Ready

	stop     chan struct{}
	life     context.Context // ends at Drain: launches under way give up
	endLife  context.CancelFunc
	wg       sync.WaitGroup // the tend loop and the endings it started
	watchers sync.WaitGroup // one per live browser, until its process exits
}

// Open loads the store, ends browsers that a previous server left behind,
// and starts the loop that expires and hibernates sessions.
func Open(cfg Config) (*Service, error) {
	if cfg.MaxStateBytes <= 0 {
		cfg.MaxStateBytes = DefaultMaxStateBytes
	}
	if cfg.MaxDownloadBytes <= 0 {
		cfg.MaxDownloadBytes = DefaultMaxDownloadBytes
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if cfg.LogRetention <= 0 {
		cfg.LogRetention = DefaultLogRetention
	}
	if cfg.LogMaxBytes <= 0 {
		cfg.LogMaxBytes = DefaultLogMaxBytes
	}
	if cfg.RecordingMaxBytes <= 0 {
		cfg.RecordingMaxBytes = DefaultRecordingMaxBytes
	}
	if cfg.Profiles == nil {
		cfg.Profiles = LocalProfiles{}
	}
	if err := prepareDirs(cfg); err != nil {
		if cfg.Store != nil {
			cfg.Store.Close()
		}
		return nil, err
	}
	store, err := storeFor(cfg)
	if err != nil {
		return nil, err
	}
	rec, err := openEvents(store, cfg)
	if err != nil {
		store.Close()
		return nil, err
	}
	recordings, err := openRecordings(store, cfg)
	if err != nil {
		rec.Close()
		store.Close()
		return nil, err
	}
	ctxs, err := openContexts(cfg)
	if err != nil {
		recordings.Close()
		rec.Close()
		store.Close()
		return nil, err
	}
	s := &Service{cfg: cfg, store: store, cluster: cfg.Cluster, profiles: cfg.Profiles, events: rec, recordings: recordings, contexts: ctxs, slots: newSlots(cfg), metrics: newMetrics(), entries: map[string]*entry{}, broken: map[string]bool{}, stop: make(chan struct{})}
	s.life, s.endLife = context.WithCancel(context.Background())
	if err := s.load(); err != nil {
		rec.Close()
		recordings.Close()
		store.Close()
		return nil, err
	}
	s.wg.Add(1)
	go s.tend()
	return s, nil
}

// storeFor is the configured store, or the bbolt file in the data dir.
func storeFor(cfg Config) (Store, error) {
	if cfg.Store != nil {
		return cfg.Store, nil
	}
	return OpenStore(filepath.Join(cfg.DataDir, "sessions.db"), cfg.StateKey)
}

func (s *Service) load() error {
	if s.cluster != nil {
		return nil // records are read when asked for; see clusterEntry
	}
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
// is flushed to its profile, waits until every browser process has exited,
// and closes the store. Requests still waiting for a browser are refused.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return nil
	}
	s.closing = true
	s.mu.Unlock()
	close(s.stop)
	s.Drain()
	s.slots.close()
	s.wg.Wait()
	var wg sync.WaitGroup
	for _, e := range s.all() {
		wg.Go(func() {
			if s.hibernate(e, true) {
				s.Record(e.id, events.Hibernated, map[string]string{"reason": "shutdown"})
			}
		})
	}
	wg.Wait()
	s.watchers.Wait()
	if s.cluster != nil {
		slogErr("could not leave the cluster", s.cluster.Leave())
	}
	s.events.Close()
	s.recordings.Close()
	slogErr("could not remove the browsers' temp dir", os.RemoveAll(tempRoot(s.cfg)), "dir", tempRoot(s.cfg))
	return s.store.Close()
}

func (s *Service) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// Create stores a new session; its browser starts on first use.
func (s *Service) Create(opts Options, ttl time.Duration, metadata json.RawMessage) (*Session, error) {
	return s.CreateFrom(opts, ttl, metadata, nil)
}

// CreateFrom is Create for a session whose browser starts with the
// cookies and storage of doc (nil for none).
func (s *Service) CreateFrom(opts Options, ttl time.Duration, metadata json.RawMessage, doc *StateDocument) (*Session, error) {
	if err := s.checkContext(opts); err != nil {
		return nil, err
	}
	now := time.Now()
	sess := &Session{ID: newID(), CreatedAt: now, ExpiresAt: now.Add(ttl), TTL: ttl, Options: opts, UserMetadata: metadata}
	if err := s.reserve(); err != nil {
		return nil, err
	}
	err := s.putNew(sess)
	if err == nil && doc != nil {
		if err = s.importState(sess.ID, doc); err != nil {
			slogErr("could not delete a session whose state was not imported", s.store.Delete(sess.ID), "session", sess.ID)
		}
	}
	s.mu.Lock()
	s.creating--
	if err == nil {
		s.entries[sess.ID] = newEntry(sess)
	}
	s.mu.Unlock()
	if errors.Is(err, errFull) {
		s.slots.rejections.add()
		return nil, tooMany(fmt.Sprintf("The server holds its maximum of %d sessions; stop one first.", s.cfg.MaxSessions), s.cfg.MaxSessions, 0, time.Second)
	}
	if code := sessionql.ErrorCode(err); err != nil && code != sessionql.CodeInternal {
		return nil, err
	}
	if err != nil {
		slog.Error("could not store a new session", "err", err)
		return nil, storeUnavailable("the new session, so it was not created")
	}
	s.Record(sess.ID, events.Created, map[string]any{"ttl": ttl.Milliseconds(), "stealth": opts.Stealth, "network": opts.Logs.Network, "pageErrors": opts.Logs.PageErrors})
	slog.Info("session created", "session", sess.ID, "ttl", ttl, "stealth", opts.Stealth)
	return sess.clone(), nil
}

// reserve counts a session about to be stored against MAX_SESSIONS.
func (s *Service) reserve() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return errShuttingDown()
	}
	if _, counts := storeAs[Limiter](s.store); !counts && len(s.entries)+s.creating >= s.cfg.MaxSessions {
		s.slots.rejections.add()
		return tooMany(fmt.Sprintf("The server holds its maximum of %d sessions; stop one first.", s.cfg.MaxSessions), s.cfg.MaxSessions, 0, time.Second)
	}
	s.creating++
	return nil
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
	if l, ok := storeAs[Lister](s.store); ok {
		return s.listStored(l, f)
	}
	entries := s.all()
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
	err = s.save(e, func(next *Session) {
		if ttl != nil {
			next.TTL, next.ExpiresAt = *ttl, time.Now().Add(*ttl)
		}
		if metadata != nil {
			next.UserMetadata = *metadata
		}
	})
	if err != nil {
		return nil, "", err
	}
	if ttl != nil {
		s.Record(id, events.TTLChanged, map[string]int64{"ttl": ttl.Milliseconds()})
	}
	return e.snapshot()
}

// RotateToken bumps the session's token generation, so that the credential
// its URLs carried is refused from now on.
func (s *Service) RotateToken(id string) (*Session, Status, error) {
	e, err := s.entry(id)
	if err != nil {
		return nil, "", err
	}
	if err := s.save(e, func(next *Session) { next.TokenGen++ }); err != nil {
		return nil, "", err
	}
	return e.snapshot()
}

// save changes a session's record in the store, then in memory.
func (s *Service) save(e *entry, change func(*Session)) error {
	return s.guard(e, func() error {
		next := e.sess.clone()
		change(next)
		if err := s.store.Put(next); errors.Is(err, ErrFenced) {
			return s.fenced(e)
		} else if err != nil {
			slog.Error("could not store a session's record", "session", e.id, "err", err)
			return storeUnavailable("the session's record")
		}
		e.sess = next
		return nil
	})
}

// guard runs a store write for a session unless it was stopped, holding
// e.mu, so that no write brings back the record of a stopped session.
func (s *Service) guard(e *entry, write func() error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return errStoppedNotFound(e.id)
	}
	return write()
}

// Stop ends a session: its browser, its profile and its record. A session
// whose record is unreadable is removed too.
func (s *Service) Stop(id string) error {
	if s.dropBroken(id) {
		return nil
	}
	e, err := s.entry(id)
	if err != nil {
		return err
	}
	if !s.forget(e) {
		return errStoppedNotFound(id)
	}
	slog.Info("session stopped", "session", id, "reason", "stop requested")
	defer s.end(e, events.Stopped, "deleted")
	s.saveToContext(e)
	return s.finish(e)
}

// forget removes the session from memory; false if it already was.
func (s *Service) forget(e *entry) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries[e.id] != e {
		return false
	}
	delete(s.entries, e.id)
	return true
}

// finish ends a forgotten session: no browser may start for it again, its
// browser is killed, its profile removed at once and again once nothing
// runs on it (a dying browser may still have had a write under way), and
// its record deleted.
func (s *Service) finish(e *entry) error {
	s.stopRecorder(context.WithoutCancel(s.life), e)
	b, page := e.stop()
	if b != nil {
		b.Abort()
	}
	s.removeDirs(e.id)
	err := s.store.Delete(e.id)
	if err == nil {
		s.dropProfiles(e.id) // never while a record points at them
	}
	if b != nil {
		<-b.Done()
		page.Close()
	}
	ctx, cancel := s.bounded(lockTimeout)
	defer cancel()
	if lockErr := e.lockWake(ctx); lockErr != nil {
		slog.Warn("a start of the stopped session's browser did not end in time; its profile is removed when it does", "session", e.id)
		return err
	}
	defer e.unlockWake()
	if rmErr := s.removeDirs(e.id); err == nil {
		err = rmErr
	}
	return err
}

// endLater forgets an expired session at once and finishes it in the
// background, so that the caller never waits for a browser to exit.
func (s *Service) endLater(e *entry) { s.endInBackground(e, events.Expired, "ttl") }

// endInBackground is endLater for any reason: typ and reason go to the
// session's log.
func (s *Service) endInBackground(e *entry, typ, reason string) {
	if !s.forget(e) {
		return
	}
	slog.Info("session stopped", "session", e.id, "reason", reason)
	end := func() {
		s.saveToContext(e)
		slogErr("could not delete an ended session", s.finish(e), "session", e.id)
		s.end(e, typ, reason)
	}
	s.mu.Lock()
	closing := s.closing
	if !closing {
		s.wg.Add(1)
	}
	s.mu.Unlock()
	if closing { // Close no longer sees the session, nor waits for a goroutine
		end()
		return
	}
	go func() {
		defer s.wg.Done()
		end()
	}()
}

// dropBroken deletes an unreadable record; false if id is not one.
func (s *Service) dropBroken(id string) bool {
	s.mu.Lock()
	broken := s.broken[id]
	delete(s.broken, id)
	s.mu.Unlock()
	if !broken {
		return false
	}
	err := s.store.Delete(id)
	slogErr("could not delete an unreadable session", err, "session", id)
	if err == nil {
		s.dropProfiles(id)
	}
	s.removeDirs(id)
	return true
}

// entry finds a session that is still alive; an expired one is ended now.
func (s *Service) entry(id string) (*entry, error) {
	if s.cluster != nil {
		e, err := s.clusterEntry(id)
		if err == nil && e.expired(time.Now()) {
			s.endLater(e)
			return nil, sessionql.Errorf(sessionql.CodeSessionNotFound, "Session %s has expired.", id)
		}
		return e, err
	}
	s.mu.Lock()
	e, ok := s.entries[id]
	broken := s.broken[id]
	s.mu.Unlock()
	if broken {
		return nil, sessionql.Errorf(sessionql.CodeSessionNotFound, "Session %s is damaged in the store and cannot be read; stop it (DELETE) and create a new one.", id)
	}
	if !ok {
		return nil, sessionql.Errorf(sessionql.CodeSessionNotFound, "No session %q: it never existed, was stopped, or expired.", id)
	}
	if e.expired(time.Now()) {
		s.endLater(e)
		return nil, sessionql.Errorf(sessionql.CodeSessionNotFound, "Session %s has expired.", id)
	}
	return e, nil
}

// all returns every entry.
func (s *Service) all() []*entry {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	if s.Options.Context != nil {
		ref := *s.Options.Context
		c.Options.Context = &ref
	}
	return &c
}

func slogErr(msg string, err error, args ...any) {
	if err != nil {
		slog.Warn(msg, append(args, "err", err)...)
	}
}
