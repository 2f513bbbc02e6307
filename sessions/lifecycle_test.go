package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/internal/testutil"
)

// writeAll sets a persistent and a session cookie, localStorage and
// sessionStorage on the page's origin.
const writeAll = `
document.cookie = 'kept=yes; max-age=3600; path=/';
document.cookie = 'tab=yes; path=/';
localStorage.setItem('theme', 'dark');
sessionStorage.setItem('step', '2');
return 'ok';`

// readAll reads back what writeAll set.
const readAll = `JSON.stringify([document.cookie.split('; ').sort().join(';'), localStorage.getItem('theme'), sessionStorage.getItem('step')])`

const allWritten = `["kept=yes;tab=yes","dark","2"]`

func gotoPage(t testing.TB, p *engine.Page, url string) {
	t.Helper()
	if _, err := p.Goto(context.Background(), url, engine.Load, 10*time.Second); err != nil {
		t.Fatalf("goto %s: %v", url, err)
	}
}

// waitFor polls cond until it holds; it fails the test after a generous
// deadline, which only a broken server reaches.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

func status(t testing.TB, s *Service, id string) Status {
	t.Helper()
	_, st, err := s.Get(id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return st
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := sessionql.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %s, want %s", err, got, code)
	}
}

// TestHibernationKeepsEverything lets an idle browser hibernate and wakes
// it: cookies (also session cookies), localStorage and sessionStorage are
// all there, as if the browser had never stopped.
func TestHibernationKeepsEverything(t *testing.T) { eachBackend(t, testHibernationKeepsEverything) }

func testHibernationKeepsEverything(t *testing.T, b Backend) {
	pages := testutil.ServePages(t)
	cfg := b.Open(t)(testConfig(t))
	cfg.IdleTimeout = 300 * time.Millisecond
	s := open(t, cfg)
	sess := create(t, s)
	run(t, s, sess.ID, func(p *engine.Page) {
		gotoPage(t, p, pages.URL+"/click.html")
		eval(t, p, writeAll)
	})
	waitFor(t, "the idle browser hibernates", func() bool { return status(t, s, sess.ID) == Hibernated })
	waitFor(t, "its slot is free", func() bool { return s.Pressure().LiveBrowsers == 0 })
	testutil.NoProcessesLeft(t, cfg.DataDir)
	// After a clean close the profile holds localStorage, and a wake need
	// not visit its origins: the store drops it once the profile is kept.
	waitFor(t, "the store holds no localStorage", func() bool { return storedLocal(t, s, sess.ID) == 0 })
	run(t, s, sess.ID, func(p *engine.Page) {
		if u := eval(t, p, "location.href"); u != "about:blank" {
			t.Errorf("a woken session's page is at %s, want about:blank", u)
		}
		gotoPage(t, p, pages.URL+"/click.html")
		if got := eval(t, p, readAll); got != allWritten {
			t.Errorf("after hibernation: %s, want %s", got, allWritten)
		}
	})
}

// storedLocal counts the localStorage items the store holds for a session.
func storedLocal(t *testing.T, s *Service, id string) int {
	t.Helper()
	raw, err := s.store.State(id)
	if err != nil {
		t.Fatal(err)
	}
	var st engine.State
	json.Unmarshal(raw, &st)
	n := 0
	for _, o := range st.Origins {
		n += len(o.Local)
	}
	return n
}

// TestHibernationKeepsSettings sets what the emulation mutations set, lets
// the browser hibernate and wakes it: the user agent, viewport, extra
// headers and JavaScript switch are back on the new tab.
func TestHibernationKeepsSettings(t *testing.T) {
	pages := testutil.ServePages(t)
	cfg := testConfig(t)
	cfg.IdleTimeout = 300 * time.Millisecond
	s := open(t, cfg)
	sess := create(t, s)
	ctx := context.Background()
	run(t, s, sess.ID, func(p *engine.Page) {
		for _, err := range []error{
			p.SetUserAgent(ctx, "SessionQL-Kept/1.0", time.Second),
			p.SetViewport(ctx, engine.Viewport{Width: 640, Height: 480, DeviceScaleFactor: 2}, time.Second),
			p.SetExtraHTTPHeaders(ctx, []engine.Header{{Name: "X-Kept", Value: "yes"}}, time.Second),
			p.SetJavaScriptEnabled(ctx, false, time.Second),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
	})
	waitFor(t, "the idle browser hibernates", func() bool { return status(t, s, sess.ID) == Hibernated })
	run(t, s, sess.ID, func(p *engine.Page) {
		if p.JavaScriptEnabled() {
			t.Error("after waking, JavaScript is on again")
		}
		gotoPage(t, p, pages.URL+"/echo")
		var echoed struct{ Headers map[string]string }
		json.Unmarshal([]byte(eval(t, p, "document.body.innerText")), &echoed)
		if echoed.Headers["X-Kept"] != "yes" || echoed.Headers["User-Agent"] != "SessionQL-Kept/1.0" {
			t.Errorf("after waking, the server saw headers %v", echoed.Headers)
		}
		if got := eval(t, p, "[navigator.userAgent, innerWidth, innerHeight, devicePixelRatio].join(' ')"); got != "SessionQL-Kept/1.0 640 480 2" {
			t.Errorf("after waking, the page sees %q", got)
		}
		if err := p.SetContent(ctx, "<p id=p>static</p><script>document.getElementById('p').textContent = 'scripted'</script>", time.Second); err != nil {
			t.Fatal(err)
		}
		if got := eval(t, p, "document.getElementById('p').textContent"); got != "static" {
			t.Errorf("after waking, the page's script ran: %q", got)
		}
	})
}

// TestBrowserCrashRelaunchesWithState kills a session's browser with
// SIGKILL right after a request: the next request relaunches it and sees
// what the earlier one wrote.
func TestBrowserCrashRelaunchesWithState(t *testing.T) {
	pages := testutil.ServePages(t)
	s := open(t, testConfig(t))
	sess := create(t, s)
	run(t, s, sess.ID, func(p *engine.Page) {
		gotoPage(t, p, pages.URL+"/click.html")
		eval(t, p, writeAll)
	})
	b, release, err := s.Use(context.Background(), sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	release()
	testutil.Kill(b.Pid())
	<-b.Done()
	waitFor(t, "the crash frees the slot", func() bool { return s.Pressure().LiveBrowsers == 0 })
	run(t, s, sess.ID, func(p *engine.Page) {
		gotoPage(t, p, pages.URL+"/click.html")
		if got := eval(t, p, readAll); got != allWritten {
			t.Errorf("after SIGKILL: %s, want %s", got, allWritten)
		}
	})
	if n := metricValue(t, s, "sessionql_browser_crashes_total"); n != 1 {
		t.Errorf("crashes counted: %v, want 1", n)
	}
}

// TestEvictionHibernatesLeastRecentlyUsed fills both slots, then wakes a
// third session: the browser used longest ago is hibernated for it.
func TestEvictionHibernatesLeastRecentlyUsed(t *testing.T) {
	s := open(t, testConfig(t))
	a, b, c := create(t, s), create(t, s), create(t, s)
	for _, sess := range []*Session{a, b, c} {
		run(t, s, sess.ID, func(p *engine.Page) {})
	}
	if got := []Status{status(t, s, a.ID), status(t, s, b.ID), status(t, s, c.ID)}; got[0] != Hibernated || got[1] != Live || got[2] != Live {
		t.Errorf("statuses of a, b, c = %v; want a hibernated to make room, b and c live", got)
	}
	run(t, s, a.ID, func(p *engine.Page) {})
	if st := status(t, s, b.ID); st != Hibernated {
		t.Errorf("b (least recently used) is %s, want hibernated", st)
	}
	if p := s.Pressure(); p.LiveBrowsers > 2 {
		t.Errorf("%d live browsers with MAX_BROWSERS=2", p.LiveBrowsers)
	}
}

// TestQueueAnswersTooManyRequests keeps the only browser busy: one request
// waits in the queue, the next finds it full, and a waiter past the queue
// timeout is refused; each refusal is a LimitError.
func TestQueueAnswersTooManyRequests(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxBrowsers, cfg.Queue, cfg.QueueTimeout = 1, 1, 500*time.Millisecond
	s := open(t, cfg)
	busy, waiter, third := create(t, s), create(t, s), create(t, s)
	_, release, err := s.Acquire(context.Background(), busy.ID)
	if err != nil {
		t.Fatal(err)
	}
	queued := queue(t, s, waiter.ID)
	_, _, err = s.Acquire(context.Background(), third.ID)
	wantLimit(t, err)
	wantLimit(t, <-queued) // the busy browser stayed busy past the queue timeout
	release()
	run(t, s, third.ID, func(*engine.Page) {}) // the idle browser is hibernated for it
	if p := s.Pressure(); p.Rejected != 2 || p.RecentRejections != 2 || p.Queued != 0 {
		t.Errorf("pressure after two refusals: %+v", p)
	}
}

// queue starts a request for id in the background and returns once it waits
// in the queue; the channel gives its outcome.
func queue(t testing.TB, s *Service, id string) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, release, err := s.Acquire(context.Background(), id)
		if err == nil {
			release()
		}
		done <- err
	}()
	waitFor(t, "the request queues", func() bool { return s.Pressure().Queued == 1 })
	return done
}

func wantLimit(t testing.TB, err error) {
	t.Helper()
	var limit *sessionql.LimitError
	if !errors.As(err, &limit) || limit.Err.Code != sessionql.CodeTooManyRequests || limit.Limit != 1 || limit.RetryAfter <= 0 {
		t.Fatalf("error %v, want a too_many_requests LimitError with limit 1 and a Retry-After", err)
	}
}

// TestQueuedRequestGetsFreedSlot releases the busy browser while another
// request waits: the waiter gets a browser instead of a 429.
func TestQueuedRequestGetsFreedSlot(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxBrowsers, cfg.Queue = 1, 1
	s := open(t, cfg)
	busy, waiter := create(t, s), create(t, s)
	_, release, err := s.Acquire(context.Background(), busy.ID)
	if err != nil {
		t.Fatal(err)
	}
	done := queue(t, s, waiter.ID)
	release()
	if err := <-done; err != nil {
		t.Fatalf("the queued request failed: %v", err)
	}
}

// TestStopEndsWaitingRequests stops sessions whose requests wait, one for a
// browser slot and one for its turn behind another request: both end with
// session_stopped at once, not at the queue timeout or when the other
// request ends.
func TestStopEndsWaitingRequests(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxBrowsers, cfg.Queue, cfg.QueueTimeout = 1, 1, time.Hour
	s := open(t, cfg)
	busy, waiter := create(t, s), create(t, s)
	_, release, err := s.Acquire(context.Background(), busy.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	queued := queue(t, s, waiter.ID)
	behind := make(chan error, 1)
	go func() {
		_, _, err := s.Acquire(context.Background(), busy.ID)
		behind <- err
	}()
	for _, id := range []string{waiter.ID, busy.ID} {
		if err := s.Stop(id); err != nil {
			t.Fatal(err)
		}
	}
	for what, done := range map[string]<-chan error{"waiting for a slot": queued, "waiting for its turn": behind} {
		select {
		case err := <-done:
			if code := sessionql.ErrorCode(err); code != sessionql.CodeSessionStopped && code != sessionql.CodeSessionNotFound {
				t.Errorf("a request %s: %v; want session_stopped", what, err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("a request %s still waits a minute after its session was stopped", what)
		}
	}
}

// TestMaxSessions refuses a create past the limit with a LimitError.
func TestMaxSessions(t *testing.T) { eachBackend(t, testMaxSessions) }

func testMaxSessions(t *testing.T, b Backend) {
	cfg := b.Open(t)(testConfig(t))
	cfg.MaxSessions = 2
	s := open(t, cfg)
	create(t, s)
	last := create(t, s)
	_, err := s.Create(Options{}, time.Hour, nil)
	var limit *sessionql.LimitError
	if !errors.As(err, &limit) || limit.Limit != 2 {
		t.Fatalf("third create: %v, want a LimitError with limit 2", err)
	}
	if p := s.Pressure(); p.IsAvailable || p.Rejected != 1 {
		t.Errorf("pressure at the session limit: %+v", p)
	}
	if err := s.Stop(last.ID); err != nil {
		t.Fatal(err)
	}
	create(t, s)
}

// TestExpiryEndsLiveAndHibernatedSessions lets a live and a hibernated
// session expire: both end, their profiles and records are gone.
func TestExpiryEndsLiveAndHibernatedSessions(t *testing.T) {
	eachBackend(t, testExpiryEndsLiveAndHibernatedSessions)
}

func testExpiryEndsLiveAndHibernatedSessions(t *testing.T, b Backend) {
	cfg := b.Open(t)(testConfig(t))
	s := open(t, cfg)
	live, hibernated := create(t, s), create(t, s)
	run(t, s, live.ID, func(*engine.Page) {})
	run(t, s, hibernated.ID, func(*engine.Page) {})
	e, _ := s.entry(hibernated.ID)
	if !s.hibernate(e, false) {
		t.Fatal("could not hibernate")
	}
	ttl := 300 * time.Millisecond
	for _, sess := range []*Session{live, hibernated} {
		if _, _, err := s.Update(sess.ID, &ttl, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, sess := range []*Session{live, hibernated} {
		waitFor(t, "the session expires", func() bool {
			_, _, err := s.Get(sess.ID)
			return err != nil
		})
		_, _, err := s.Get(sess.ID)
		wantCode(t, err, sessionql.CodeSessionNotFound)
		waitFor(t, "its profile is deleted", func() bool { return !exists(s.profileDir(sess.ID)) })
	}
	testutil.NoProcessesLeft(t, cfg.DataDir)
	// The record goes after the profile, once the browser has exited.
	waitFor(t, "the records are deleted", func() bool {
		all, _, err := s.store.All()
		return err == nil && len(all) == 0
	})
	all, _, err := s.store.All()
	if err != nil || len(all) != 0 {
		t.Errorf("records left after expiry: %d, %v", len(all), err)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestUpdate sets a new TTL from now and replaces the metadata, in memory
// and in the store; a stopped session cannot be updated.
func TestUpdate(t *testing.T) { eachBackend(t, testUpdate) }

func testUpdate(t *testing.T, b Backend) {
	cfg := b.Open(t)(testConfig(t))
	s := open(t, cfg)
	sess := create(t, s)
	ttl, meta := 2*time.Hour, json.RawMessage(`{"order":{"status":"shipped"}}`)
	before := time.Now()
	got, _, err := s.Update(sess.ID, &ttl, &meta)
	if err != nil {
		t.Fatal(err)
	}
	if got.TTL != ttl || got.ExpiresAt.Before(before.Add(ttl)) || string(got.UserMetadata) != string(meta) {
		t.Errorf("after update: ttl %v, expires %v, metadata %s", got.TTL, got.ExpiresAt, got.UserMetadata)
	}
	all, _, _ := s.store.All()
	if len(all) != 1 || all[0].TTL != ttl || string(all[0].UserMetadata) != string(meta) {
		t.Errorf("the store holds %+v", all)
	}
	s.Stop(sess.ID)
	_, _, err = s.Update(sess.ID, &ttl, nil)
	wantCode(t, err, sessionql.CodeSessionNotFound)
}

// TestStopDuringRequest stops a session while a request runs on it: the
// browser ends, the profile and record go, and the request's release does
// not write the record back.
func TestStopDuringRequest(t *testing.T) {
	cfg := testConfig(t)
	s := open(t, cfg)
	sess := create(t, s)
	_, release, err := s.Acquire(context.Background(), sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(sess.ID); err != nil {
		t.Fatal(err)
	}
	release()
	testutil.NoProcessesLeft(t, cfg.DataDir)
	if exists(s.profileDir(sess.ID)) {
		t.Error("the profile is still there")
	}
	if raw, _ := s.store.State(sess.ID); raw != nil {
		t.Error("the release wrote the stopped session's state back")
	}
	if all, _, _ := s.store.All(); len(all) != 0 {
		t.Error("the record is still there")
	}
	_, _, err = s.Acquire(context.Background(), sess.ID)
	wantCode(t, err, sessionql.CodeSessionNotFound)
}

// TestCloseHibernatesEverything closes the service with live browsers and
// a request waiting for a slot: no process is left, the waiter is refused,
// and after a reopen the state is there; with a shared store, a reopen on
// an empty data dir.
func TestCloseHibernatesEverything(t *testing.T) { eachBackend(t, testCloseHibernatesEverything) }

func testCloseHibernatesEverything(t *testing.T, be Backend) {
	pages := testutil.ServePages(t)
	stores := be.Open(t)
	cfg := stores(testConfig(t))
	cfg.MaxBrowsers = 1
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, b := create(t, s), create(t, s)
	page, release, err := s.Acquire(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	gotoPage(t, page, pages.URL+"/click.html")
	eval(t, page, writeAll)
	release()
	busy, releaseBusy, err := s.Acquire(context.Background(), a.ID)
	if err != nil || busy == nil {
		t.Fatal(err)
	}
	waiter := make(chan error, 1)
	go func() {
		_, _, err := s.Acquire(context.Background(), b.ID)
		waiter <- err
	}()
	waitFor(t, "a request queues", func() bool { return s.Pressure().Queued == 1 })
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	wantCode(t, <-waiter, sessionql.CodeBrowserUnavailable)
	releaseBusy()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	testutil.NoProcessesLeft(t, cfg.DataDir)
	cfg = stores(cfg)
	if be.Shared { // records and profiles come from the engines alone
		cfg.DataDir = testConfig(t).DataDir
	}
	s = open(t, cfg)
	if st := status(t, s, a.ID); st != Hibernated {
		t.Errorf("after reopen the session is %s", st)
	}
	run(t, s, a.ID, func(p *engine.Page) {
		gotoPage(t, p, pages.URL+"/click.html")
		if got := eval(t, p, readAll); got != allWritten {
			t.Errorf("after close and reopen: %s, want %s", got, allWritten)
		}
	})
}

// TestDamagedSessionsDoNotStopTheServer opens a store in which one record
// is garbage and one session's profile is gone: both answer a clear error,
// the third session works, and the damaged record can be stopped.
func TestDamagedSessionsDoNotStopTheServer(t *testing.T) {
	cfg := testConfig(t)
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	garbled, lost, fine := create(t, s), create(t, s), create(t, s)
	run(t, s, lost.ID, func(*engine.Page) {})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	store, err := OpenStore(cfg.DataDir+"/sessions.db", nil)
	if err != nil {
		t.Fatal(err)
	}
	store.put(sessionsBucket, garbled.ID, []byte("{not json"))
	store.Close()
	os.RemoveAll(profilesDir(cfg) + "/" + lost.ID)

	s = open(t, cfg)
	_, _, err = s.Get(garbled.ID)
	wantCode(t, err, sessionql.CodeSessionNotFound)
	if !strings.Contains(sessionql.ErrorMessage(err), "damaged") {
		t.Errorf("message for a garbled record: %q", sessionql.ErrorMessage(err))
	}
	_, _, err = s.Acquire(context.Background(), lost.ID)
	wantCode(t, err, sessionql.CodeBrowserUnavailable)
	if !strings.Contains(sessionql.ErrorMessage(err), "profile") {
		t.Errorf("message for a lost profile: %q", sessionql.ErrorMessage(err))
	}
	run(t, s, fine.ID, func(*engine.Page) {})
	if err := s.Stop(garbled.ID); err != nil {
		t.Errorf("stop a garbled record: %v", err)
	}
	_, _, err = s.Get(garbled.ID)
	wantCode(t, err, sessionql.CodeSessionNotFound)
	if p := s.Pressure(); p.LiveBrowsers != 1 || p.Sessions != 2 {
		t.Errorf("pressure: %+v", p)
	}
}

// TestCheckpointWhileAClientIsConnected writes state while a CDP client is
// connected and no BrowserQL request runs: the periodic checkpoint saves
// it, so a SIGKILL of the browser loses nothing.
func TestCheckpointWhileAClientIsConnected(t *testing.T) {
	pages := testutil.ServePages(t)
	s := open(t, testConfig(t))
	sess := create(t, s)
	b, release, err := s.Use(context.Background(), sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := s.entry(sess.ID)
	page := e.currentPage()
	gotoPage(t, page, pages.URL+"/click.html")
	eval(t, page, writeAll)
	// A checkpoint may read the jar before the script ran and the storage
	// after; the next one has both.
	waitFor(t, "a checkpoint saves the write", func() bool {
		raw, _ := s.store.State(sess.ID)
		return strings.Contains(string(raw), `"theme":"dark"`) && strings.Contains(string(raw), `"name":"kept"`) && strings.Contains(string(raw), `"name":"tab"`)
	})
	testutil.Kill(b.Pid())
	<-b.Done()
	release()
	run(t, s, sess.ID, func(p *engine.Page) {
		gotoPage(t, p, pages.URL+"/click.html")
		if got := eval(t, p, readAll); got != allWritten {
			t.Errorf("after SIGKILL: %s, want %s", got, allWritten)
		}
	})
}
