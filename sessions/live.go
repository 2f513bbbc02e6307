package sessions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
)

// startTimeout bounds navigating to a session's startUrl on its first start.
const startTimeout = 30 * time.Second

// Acquire gives a BrowserQL request the session's page, waking its browser
// if needed, once no other request runs on it. release ends the request.
func (s *Service) Acquire(ctx context.Context, id string) (*engine.Page, func(), error) {
	e, err := s.entry(id)
	if err != nil {
		return nil, nil, err
	}
	if err := e.takeTurn(ctx); err != nil {
		return nil, nil, err
	}
	page, _, err := s.use(ctx, e)
	if err != nil {
		e.endTurn()
		return nil, nil, err
	}
	return page, func() { s.done(e); e.endTurn() }, nil
}

// Use gives a CDP client the session's browser, waking it if needed; the
// browser is not hibernated until release is called.
func (s *Service) Use(ctx context.Context, id string) (*engine.Browser, func(), error) {
	e, err := s.entry(id)
	if err != nil {
		return nil, nil, err
	}
	_, b, err := s.use(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	return b, func() { s.done(e) }, nil
}

func (s *Service) done(e *entry) {
	e.done()
	s.slots.nudge()
}

// use counts one user of the session's browser, starting it when it is not
// running.
func (s *Service) use(ctx context.Context, e *entry) (*engine.Page, *engine.Browser, error) {
	e.waking.Lock()
	defer e.waking.Unlock()
	if page, b, ok, err := e.join(); ok || err != nil {
		return page, b, err
	}
	if err := s.slots.acquire(ctx, func() bool { return s.evict(e) }); err != nil {
		return nil, nil, err
	}
	b, page, err := s.launch(e)
	if err != nil {
		s.slots.release()
		return nil, nil, err
	}
	e.mu.Lock()
	if e.stopped {
		e.mu.Unlock()
		page.Close()
		b.Kill()
		s.slots.release()
		os.RemoveAll(s.profileDir(e.id))
		return nil, nil, errStoppedNotFound(e.id)
	}
	e.browser, e.page = b, page
	e.users++
	e.mu.Unlock()
	go s.watch(e, b)
	return page, b, nil
}

// join counts a user of a browser that already runs.
func (e *entry) join() (*engine.Page, *engine.Browser, bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return nil, nil, false, errStoppedNotFound(e.id)
	}
	if e.browser == nil {
		return nil, nil, false, nil
	}
	e.users++
	return e.page, e.browser, true, nil
}

func errStoppedNotFound(id string) error {
	return sessionql.Errorf(sessionql.CodeSessionNotFound, "Session %s was stopped.", id)
}

// launch starts the session's browser from its profile and opens its page.
func (s *Service) launch(e *entry) (*engine.Browser, *engine.Page, error) {
	e.mu.Lock()
	sess := e.sess.clone()
	e.mu.Unlock()
	b, err := engine.Launch(s.launchOptions(sess))
	if err != nil {
		return nil, nil, err
	}
	page, err := b.OpenPage()
	if err == nil {
		err = s.firstStart(sess, page)
	}
	if err != nil {
		b.Kill()
		return nil, nil, sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The browser started but could not be used: %v.", err)
	}
	return b, page, nil
}

// firstStart visits the startUrl the first time the session's browser runs.
func (s *Service) firstStart(sess *Session, page *engine.Page) error {
	if sess.Started {
		return nil
	}
	if sess.Options.StartURL != "" {
		if _, err := page.Goto(context.Background(), sess.Options.StartURL, engine.Load, startTimeout); err != nil {
			slog.Warn("startUrl did not load", "session", sess.ID, "err", err)
		}
	}
	sess.Started = true
	return s.store.Put(sess)
}

func (s *Service) launchOptions(sess *Session) engine.LaunchOptions {
	o := sess.Options
	opts := engine.LaunchOptions{
		ExecPath:   s.cfg.ChromePath,
		ProfileDir: s.profileDir(sess.ID),
		TempDir:    filepath.Join(tempRoot(s.cfg), newID()[:8]),
		Headless:   o.Headless,
		Args:       o.Args,
		Stealth:    o.Stealth,
		Window:     engine.Size{Width: o.Viewport.Width, Height: o.Viewport.Height},
		Lang:       o.Locale,
		Timezone:   o.Timezone,
	}
	if o.Proxy != nil {
		opts.Proxy, opts.ProxyBypass = o.Proxy.Server, o.Proxy.Bypass
	}
	return opts
}

// watch frees the slot of a browser that exits by itself (a crash); the next
// use relaunches it from the profile.
func (s *Service) watch(e *entry, b *engine.Browser) {
	<-b.Done()
	e.mu.Lock()
	_, page := e.detach(b, s.slots)
	e.mu.Unlock()
	if page != nil {
		slog.Warn("browser exited unexpectedly; the next use relaunches it", "session", e.id)
		page.Close()
	}
}

// hibernate closes an idle browser gracefully, so it flushes its state to
// the profile, and frees its slot.
func (s *Service) hibernate(e *entry) bool {
	e.waking.Lock()
	defer e.waking.Unlock()
	return s.hibernateHeld(e)
}

// hibernateHeld is hibernate for a caller that holds e.waking.
func (s *Service) hibernateHeld(e *entry) bool {
	e.mu.Lock()
	if e.users > 0 {
		e.mu.Unlock()
		return false
	}
	b, page := e.detach(e.browser, s.slots)
	e.mu.Unlock()
	if b == nil {
		return false
	}
	page.Close()
	slogErr("browser did not close cleanly", b.Close(), "session", e.id)
	return true
}

// evict hibernates the least recently used idle browser other than the
// waker's, to make room; it reports whether one was hibernated.
func (s *Service) evict(waker *entry) bool {
	s.mu.Lock()
	entries := s.list()
	s.mu.Unlock()
	var lru *entry
	var lruAt time.Time
	for _, e := range entries {
		if e == waker {
			continue
		}
		e.mu.Lock()
		idle := e.browser != nil && e.users == 0
		at := e.lastUsed
		e.mu.Unlock()
		if idle && (lru == nil || at.Before(lruAt)) {
			lru, lruAt = e, at
		}
	}
	if lru == nil || !lru.waking.TryLock() {
		return false
	}
	defer lru.waking.Unlock()
	return s.hibernateHeld(lru)
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
