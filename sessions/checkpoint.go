package sessions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
)

// saveTimeout bounds reading a session's state from its browser: a request
// waits on it before it is answered, and a browser that does not answer in
// time is found by the health checks.
const saveTimeout = 10 * time.Second

// savedState is what the store holds of a live session's state outside
// Chromium, and its bytes, so that a checkpoint that changed nothing writes
// nothing. It is empty while the session hibernates.
type savedState struct {
	state *engine.State
	raw   []byte
	all   bool // the last checkpoint read and stored everything; see savedAll
}

// savedAll reports whether the last checkpoint of the live browser read
// all of its state and stored it. Only then may a read-only request skip
// its checkpoint: what a client saw was saved, save for what the page's
// own code wrote since, which no request made (it is saved by the next
// checkpoint: a request with a step that may change state, a CDP client's
// periodic or final one, hibernation, close).
func (e *entry) savedAll() bool {
	e.saving.Lock()
	defer e.saving.Unlock()
	return e.saved.all
}

// checkpoint saves the session's cookies and the storage of its tab to the
// store, so that a write a client was told about survives a crash of the
// browser or of the server. A state the browser could not give is logged;
// a state that could not be stored is the error, since a request must not
// be acknowledged as durable when it is not.
func (s *Service) checkpoint(e *entry, page *engine.Page) error {
	return s.checkpointAfter(e, page, nil)
}

// checkpointAfter is checkpoint at the end of a request, with what the
// request's Settle read (see engine.Settled).
func (s *Service) checkpointAfter(e *entry, page *engine.Page, settled *engine.Settled) error {
	e.saving.Lock()
	defer e.saving.Unlock()
	if !e.markSaved() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
	defer cancel()
	st, err := page.SaveStateAfter(ctx, settled)
	logSaveError(ctx, e, page, err)
	e.saved.all = false
	if st == nil {
		return nil
	}
	werr := s.writeState(e, merge(e.saved.state, st))
	e.saved.all = err == nil && werr == nil
	return werr
}

// logSaveError logs a save that could not read everything. A session
// stopped meanwhile has nothing left to keep; a tab that a CDP client
// closed (Puppeteer's page.close, Playwright's context.close) is no fault:
// the next use reads the state through another tab, so that is a debug
// line, not the warning every such client used to cause.
func logSaveError(ctx context.Context, e *entry, page *engine.Page, err error) {
	if err == nil || e.isStopped() {
		return
	}
	level := slog.LevelWarn
	if alive, _ := page.Alive(context.WithoutCancel(ctx)); !alive {
		level = slog.LevelDebug
	}
	slog.Log(ctx, level, "could not save all of the session's state", "session", e.id, "err", err)
}

// closeSaving saves the state a last time, closes the page and the browser,
// and keeps in the store only what Chromium does not keep itself: after a
// clean close whose profile was kept, the profile holds localStorage, but
// never session cookies or sessionStorage. closeBrowser reports whether
// that is so; when it is not, the store keeps everything.
func (s *Service) closeSaving(e *entry, page *engine.Page, closeBrowser func() (profileHoldsLocal bool)) {
	e.saving.Lock()
	defer e.saving.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
	defer cancel()
	st, err := page.SaveState(ctx)
	slogErr("could not save all of the session's state", err, "session", e.id)
	page.Close()
	clean := closeBrowser()
	next := e.saved.state
	if st != nil {
		next = merge(next, st)
	}
	if clean && next != nil {
		next = withoutLocal(next)
	}
	if next != nil {
		slogErr("could not store the session's state at close", s.writeState(e, next), "session", e.id)
	}
	e.saved = savedState{}
}

// savedState reads the state saved outside Chromium for a browser that is
// starting, and keeps it as what the store holds; nil when there is none.
func (s *Service) savedState(e *entry) *engine.State {
	e.saving.Lock()
	defer e.saving.Unlock()
	e.saved = savedState{}
	raw, err := s.store.State(e.id)
	if err != nil || raw == nil {
		slogErr("could not read the session's saved state", err, "session", e.id)
		return nil
	}
	var st engine.State
	if err := json.Unmarshal(raw, &st); err != nil {
		slog.Error("the session's saved state is unreadable; it starts from its profile alone", "session", e.id, "err", err)
		return nil
	}
	e.saved = savedState{state: &st, raw: raw}
	return &st
}

// writeState stores st unless it is what the store already holds; the
// caller holds e.saving. A state over MAX_STATE_BYTES is not stored, and
// neither is one the store refused: the store keeps the last state that
// fitted, and the error says why.
func (s *Service) writeState(e *entry, st *engine.State) error {
	raw, err := json.Marshal(st)
	// In cluster mode the write also proves this node still owns the
	// session, so that a fenced node never acknowledges a request.
	if err != nil || bytes.Equal(raw, e.saved.raw) && s.cluster == nil {
		e.saved.state = st
		return nil
	}
	if len(raw) > s.cfg.MaxStateBytes {
		return stateTooLarge(len(raw), s.cfg.MaxStateBytes)
	}
	err = s.guard(e, func() error { return s.store.PutState(e.id, raw) })
	if errors.Is(err, ErrFenced) {
		return s.fenced(e)
	}
	if sessionql.ErrorCode(err) == sessionql.CodeSessionNotFound {
		return nil // stopped meanwhile: there is nothing left to keep
	}
	if err != nil {
		slog.Error("could not store the session's state", "session", e.id, "err", err)
		return storeUnavailable("the session's state")
	}
	e.saved = savedState{state: st, raw: raw}
	return nil
}

// storeUnavailable is the answer when the store refused a write: nothing
// was acknowledged, and the same request may be tried again.
func storeUnavailable(what string) error {
	return sessionql.Errorf(sessionql.CodeStoreUnavailable, "The server could not store %s (the server log says why, e.g. a full disk), so this request is not acknowledged as saved; try again shortly.", what)
}

func stateTooLarge(size, limit int) error {
	return sessionql.Errorf(sessionql.CodeStateTooLarge, "The session's cookies and storage come to %d bytes, over the server's limit of %d (MAX_STATE_BYTES), so this request's changes are not saved; clear some storage (e.g. localStorage.clear()) and try again.", size, limit)
}

// merge is base with what next read: next's cookies and settings, and
// next's storage for the origins it saw; other origins keep what base had.
func merge(base, next *engine.State) *engine.State {
	out := &engine.State{Cookies: next.Cookies, Origins: map[string]*engine.Storage{}, Settings: next.Settings}
	if base != nil {
		for o, st := range base.Origins {
			out.Origins[o] = st
		}
	}
	for o, st := range next.Origins {
		out.Origins[o] = st
	}
	return out
}

// withoutLocal keeps the cookies, sessionStorage and settings of st, which a
// restart of Chromium loses even after a clean close.
func withoutLocal(st *engine.State) *engine.State {
	out := &engine.State{Cookies: st.Cookies, Origins: map[string]*engine.Storage{}, Settings: st.Settings}
	for o, storage := range st.Origins {
		if len(storage.Session) > 0 {
			out.Origins[o] = &engine.Storage{Session: storage.Session}
		}
	}
	return out
}
