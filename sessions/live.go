package sessions

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/events"
)

// startTimeout bounds navigating to a session's startUrl on its first start.
const startTimeout = 30 * time.Second

// Acquire gives a BrowserQL request the session's page, waking its browser
// if needed, once no other request runs on it. release saves the session's
// state and ends the request; it may be called more than once, and says
// when the state could not be stored, so that the request is not
// acknowledged as saved.
func (s *Service) Acquire(ctx context.Context, id string) (*engine.Page, func() error, error) {
	e, err := s.entry(id)
	if err == nil {
		err = s.stillOwned(e)
	}
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := e.untilStopped(ctx)
	defer cancel()
	if err := e.takeTurn(ctx); err != nil {
		return nil, nil, err
	}
	page, _, err := s.use(ctx, e)
	if err != nil {
		e.endTurn()
		return nil, nil, err
	}
	if page, err = s.ensurePage(ctx, e, page); err != nil {
		s.done(e)
		e.endTurn()
		return nil, nil, err
	}
	return page, sync.OnceValue(func() error {
		defer e.endTurn()
		defer s.done(e)
		return s.finishRequest(e, page)
	}), nil
}

// Use gives a CDP client the session's browser, waking it if needed; the
// browser is not hibernated until release is called, which also saves the
// session's state.
func (s *Service) Use(ctx context.Context, id string) (*engine.Browser, func(), error) {
	e, err := s.entry(id)
	if err == nil {
		err = s.stillOwned(e)
	}
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := e.untilStopped(ctx)
	defer cancel()
	_, b, err := s.use(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	return b, sync.OnceFunc(func() {
		s.saveAfterClient(e)
		s.done(e)
	}), nil
}

// saveAfterClient checkpoints the session when a CDP client leaves. The
// client may have closed the engine's tab (Puppeteer's page.close,
// Playwright's context.close), which made every such save fail with EOF or
// context canceled: the state is read through the tab the next request
// would use instead. A BrowserQL request under way saves when it ends.
func (s *Service) saveAfterClient(e *entry) {
	if e.isStopped() || !e.tryTakeTurn() {
		return
	}
	defer e.endTurn()
	page := e.currentPage() // a BrowserQL request may have replaced the page
	if page == nil {
		return
	}
	ctx, cancel := s.bounded(saveTimeout)
	defer cancel()
	page, err := s.ensurePage(ctx, e, page)
	if err != nil { // the client closed the tab as it left; the next use opens one
		slog.Debug("no tab to save the session's state through after a client left", "session", e.id, "err", err)
		return
	}
	slogErr("could not checkpoint after a client left", s.checkpoint(e, page), "session", e.id)
}

func (s *Service) done(e *entry) {
	e.done()
	s.slots.nudge()
}

// use counts one user of the session's browser, starting it when it is not
// running. A slot is taken before the profile is locked, so that a request
// waiting in the queue holds nothing that others wait for. A running
// browser that does not answer is killed and started again.
func (s *Service) use(ctx context.Context, e *entry) (*engine.Page, *engine.Browser, error) {
	for {
		page, b, ok, err := e.join()
		if !ok || err != nil {
			if err != nil {
				return nil, nil, err
			}
			break
		}
		if s.healthy(ctx, e, b) == nil {
			return page, b, nil
		}
		s.done(e)
		if err := waitExit(ctx, e, b); err != nil {
			return nil, nil, err
		}
	}
	if err := s.slots.acquire(ctx, s.evict); err != nil {
		return nil, nil, err
	}
	page, b, launched, err := s.wake(ctx, e)
	if !launched {
		s.slots.release()
	}
	return page, b, err
}

// wake starts the session's browser on the slot the caller took, unless
// another request started it meanwhile. launched says whether the slot now
// belongs to a new browser.
func (s *Service) wake(ctx context.Context, e *entry) (page *engine.Page, b *engine.Browser, launched bool, err error) {
	if err := e.lockWake(ctx); err != nil {
		return nil, nil, false, err
	}
	defer e.unlockWake()
	if page, b, ok, err := e.join(); ok || err != nil {
		return page, b, false, err
	}
	if s.isClosing() || s.life.Err() != nil {
		if s.cluster != nil { // another node takes it once this one released it
			return nil, nil, false, SessionMoving(time.Second)
		}
		return nil, nil, false, errShuttingDown()
	}
	if err := s.claim(e); err != nil {
		return nil, nil, false, err
	}
	start := time.Now()
	b, page, err = s.launch(ctx, e)
	if err != nil {
		s.release(e)
	}
	if err != nil && e.isStopped() {
		return nil, nil, false, errSessionStopped(e.id) // its profile went while it started
	}
	if err != nil {
		return nil, nil, false, err
	}
	if !e.attach(b, page) {
		page.Close()
		b.Kill()
		s.removeDirs(e.id)
		return nil, nil, false, errSessionStopped(e.id)
	}
	s.metrics.wake(time.Since(start))
	slog.Info("session woken", "session", e.id, "took", time.Since(start).Round(time.Millisecond))
	s.watchPage(e, page)
	s.startRecorder(e, b)
	if s.noteRelaunch(e) {
		s.Record(e.id, events.BrowserRelaunched, nil)
	}
	s.Record(e.id, events.Woken, map[string]int64{"ms": time.Since(start).Milliseconds()})
	s.watchers.Add(1)
	go s.watch(e, b)
	return page, b, true, nil
}

func errStoppedNotFound(id string) error {
	return sessionql.Errorf(sessionql.CodeSessionNotFound, "Session %s was stopped.", id)
}

func errShuttingDown() error {
	return sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The server is shutting down; try again shortly.")
}

// launch starts the session's browser from its profile, opens its page and
// puts back the state saved outside Chromium, before anyone uses the page.
// The start is bounded by launchContext; the browser then lives on its own.
func (s *Service) launch(ctx context.Context, e *entry) (*engine.Browser, *engine.Page, error) {
	ctx, cancel := s.launchContext(ctx)
	defer cancel()
	e.mu.Lock()
	sess := e.sess.clone()
	e.mu.Unlock()
	if err := s.fetchProfile(ctx, e, sess); err != nil {
		return nil, nil, err
	}
	if err := s.seedFromContext(ctx, sess); err != nil {
		return nil, nil, err
	}
	// In cluster mode a session whose node died before it ever hibernated
	// has no kept profile: it starts from a new one and its checkpoint.
	if _, err := os.Stat(s.profileDir(sess.ID)); sess.Started && err != nil && s.cluster == nil {
		return nil, nil, sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The profile of session %s is missing from the data directory, so its browser cannot start with its state; stop the session and create a new one.", sess.ID)
	}
	b, err := engine.LaunchContext(ctx, s.launchOptions(sess))
	s.noteLaunch(ctx, err)
	if err != nil {
		return nil, nil, s.launchError(err)
	}
	page, err := s.openRestored(ctx, e, b, sess)
	if err == nil {
		err = s.firstStart(ctx, e, sess, page)
	}
	if err != nil {
		if page != nil {
			page.Close()
		}
		b.Kill()
		return nil, nil, sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The browser started but could not be used: %v.", err)
	}
	return b, page, nil
}

// openRestored opens the page of a browser that just started and puts back
// the state saved outside Chromium, before anyone uses the page. What
// needs no page runs beside: the cookies go back while the tab opens, and
// a headed browser's guard tab (see engine.OpenGuard) opens while the page
// is set up. A headless browser needs none: it stays up without windows,
// and the engine's profile preference keeps its session cookies.
func (s *Service) openRestored(ctx context.Context, e *entry, b *engine.Browser, sess *Session) (*engine.Page, error) {
	st := s.savedState(e)
	var beside sync.WaitGroup
	if st != nil {
		beside.Go(func() {
			slogErr("could not restore the session's cookies", b.RestoreCookies(ctx, st), "session", e.id)
		})
	}
	page, err := b.OpenPageContext(ctx)
	if err != nil {
		beside.Wait()
		return nil, err
	}
	var guardErr error
	if !sess.Options.Headless {
		beside.Go(func() { guardErr = b.OpenGuard(ctx) })
	}
	err = page.SetSessionViewport(ctx, sess.Options.Viewport)
	if err == nil && st != nil {
		slogErr("could not restore the session's saved state", page.RestoreState(ctx, st), "session", e.id)
	}
	beside.Wait()
	return page, errors.Join(err, guardErr)
}

// firstStart visits the startUrl the first time the session's browser runs.
func (s *Service) firstStart(ctx context.Context, e *entry, sess *Session, page *engine.Page) error {
	if sess.Started {
		return nil
	}
	if sess.Options.StartURL != "" {
		if _, err := page.Goto(ctx, sess.Options.StartURL, engine.Load, startTimeout); err != nil {
			slog.Warn("startUrl did not load", "session", sess.ID, "err", err)
		}
	}
	return s.save(e, func(next *Session) { next.Started = true })
}

func (s *Service) launchOptions(sess *Session) engine.LaunchOptions {
	o := sess.Options
	opts := engine.LaunchOptions{
		ExecPath:   s.execPath(o),
		ProfileDir: s.profileDir(sess.ID),
		TempDir:    filepath.Join(tempRoot(s.cfg), newID()[:8]),
		Headless:   o.Headless,
		Args:       o.Args,
		Stealth:    o.Stealth,
		Window:     engine.Size{Width: o.Viewport.Width, Height: o.Viewport.Height},
		Lang:       o.Locale,
		Timezone:   o.Timezone,
		UserAgent:  o.UserAgent,

		MaxAnswerBytes:   s.cfg.MaxAnswerBytes,
		MaxTabs:          s.cfg.MaxTabs,
		MaxDownloadBytes: s.cfg.MaxDownloadBytes,

		DownloadDir:   s.downloadsDir(sess.ID),
		UploadDir:     s.uploadsDir(sess.ID),
		AllowFileURLs: s.cfg.AllowFileURLs,
		BrowserUser:   s.cfg.BrowserUser,
		BlockPrivate:  s.cfg.BlockPrivateNetworks,
		BlockAds:      o.BlockAds,
		AdLists:       s.cfg.AdLists,
	}
	if p := o.Proxy; p != nil {
		opts.Proxy, opts.ProxyBypass, opts.ProxyUsername, opts.ProxyPassword = p.Server, p.Bypass, p.Username, p.Password
	}
	return opts
}

// watch owns a browser's slot: it frees it once the process has exited,
// whether it was hibernated, killed or crashed. After a crash the next use
// relaunches the browser from the profile and the saved state.
func (s *Service) watch(e *entry, b *engine.Browser) {
	defer s.watchers.Done()
	<-b.Done()
	if page, killed := e.forget(b); page != nil {
		if !killed {
			slog.Warn("browser crashed: it exited unexpectedly; the next use relaunches it", "session", e.id)
			s.metrics.crashes.Inc()
			s.Record(e.id, events.BrowserCrashed, nil)
		}
		page.Close()
	}
	s.slots.release()
}

// hibernate closes an idle browser gracefully, so it flushes its state to
// the profile; force closes it even while clients use it, at shutdown.
func (s *Service) hibernate(e *entry, force bool) bool {
	ctx, cancel := s.bounded(lockTimeout)
	defer cancel()
	if err := e.lockWake(ctx); err != nil {
		return false
	}
	defer e.unlockWake()
	return s.hibernateHeld(e, force)
}

// hibernateHeld is hibernate for a caller that holds e.wake. The state is
// saved while the page is still open; the slot is freed by watch once the
// process has exited.
func (s *Service) hibernateHeld(e *entry, force bool) bool {
	b, page := e.detach(force)
	if b == nil {
		return false
	}
	if s.abandonWedged(e, b, page) {
		return true
	}
	defer s.watchdog(e, b)()
	s.closeSaving(e, page, func() bool {
		s.stopRecorder(context.WithoutCancel(s.life), e)
		err := b.Close()
		slogErr("browser did not close cleanly", err, "session", e.id)
		if err != nil {
			s.metrics.wedged.Add(1) // killed for not answering in time, as a wedged one
		}
		return s.keepProfile(e) && err == nil
	})
	s.release(e)
	s.metrics.hibernations.Inc()
	slog.Info("session hibernated", "session", e.id, "reason", hibernateReason(force))
	return true
}

// hibernateReason names why a browser is hibernated: only shutdown
// forces it; otherwise it was idle, or the least recently used one when a
// slot was needed.
func hibernateReason(force bool) string {
	if force {
		return "shutdown"
	}
	return "idle"
}

// evict hibernates the least recently used idle browser to make room,
// trying the next when one is busy; it reports whether one was hibernated.
func (s *Service) evict() bool {
	for _, e := range s.idleByAge() {
		if !e.tryLockWake() {
			continue
		}
		ok := s.hibernateHeld(e, false)
		e.unlockWake()
		if ok {
			s.Record(e.id, events.Hibernated, map[string]string{"reason": "evicted"})
			return true
		}
	}
	return false
}

// idleByAge lists the live browsers that nobody uses, least recently used
// first.
func (s *Service) idleByAge() []*entry {
	type idle struct {
		e  *entry
		at time.Time
	}
	var found []idle
	for _, e := range s.all() {
		e.mu.Lock()
		if e.browser != nil && e.users == 0 {
			found = append(found, idle{e, e.lastUsed})
		}
		e.mu.Unlock()
	}
	sort.Slice(found, func(i, j int) bool { return found[i].at.Before(found[j].at) })
	out := make([]*entry, len(found))
	for i, f := range found {
		out[i] = f.e
	}
	return out
}
