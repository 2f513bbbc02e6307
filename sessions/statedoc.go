package sessions

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
)

// StateDocument is a session's cookies and web storage as JSON: what
// GET /sessions/{id}/context exports and a create's "context" imports.
// Storage is keyed by origin (https://example.com), then by item.
type StateDocument struct {
	Cookies        []Cookie                     `json:"cookies"`
	LocalStorage   map[string]map[string]string `json:"localStorage,omitempty"`
	SessionStorage map[string]map[string]string `json:"sessionStorage,omitempty"`
}

// Cookie is one cookie in the shape Puppeteer and Playwright use: url or
// domain says where it belongs; expires is in seconds since the epoch,
// absent (or -1) for a session cookie.
type Cookie struct {
	Name     string  `json:"name"`
	Value    string  `json:"value"`
	URL      string  `json:"url,omitempty"`
	Domain   string  `json:"domain,omitempty"`
	Path     string  `json:"path,omitempty"`
	Expires  float64 `json:"expires,omitempty"`
	HTTPOnly bool    `json:"httpOnly,omitempty"`
	Secure   bool    `json:"secure,omitempty"`
	SameSite string  `json:"sameSite,omitempty"`
}

// ExportState reads the live session's cookies and the storage of its
// pages' origins, waking its browser if needed; the session goes on.
func (s *Service) ExportState(ctx context.Context, id string) (*StateDocument, error) {
	page, release, err := s.Acquire(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	st, err := page.SaveState(ctx)
	if st == nil {
		return nil, sessionql.Errorf(sessionql.CodeBrowserUnavailable, "The session's browser did not give its state: %v.", err)
	}
	e, err := s.entry(id)
	if err != nil {
		return nil, err
	}
	e.saving.Lock()
	st = merge(e.saved.state, st) // origins no page shows now keep what was saved
	e.saving.Unlock()
	return documentOf(st)
}

// documentOf is the document of an engine state.
func documentOf(st *engine.State) (*StateDocument, error) {
	raw, err := json.Marshal(st.Cookies)
	if err != nil {
		return nil, err
	}
	doc := &StateDocument{Cookies: []Cookie{}, LocalStorage: map[string]map[string]string{}, SessionStorage: map[string]map[string]string{}}
	if err := json.Unmarshal(raw, &doc.Cookies); err != nil {
		return nil, err
	}
	for origin, storage := range st.Origins {
		if len(storage.Local) > 0 {
			doc.LocalStorage[origin] = storage.Local
		}
		if len(storage.Session) > 0 {
			doc.SessionStorage[origin] = storage.Session
		}
	}
	return doc, nil
}

// stateOf is the engine state of a document; a cookie Chromium would not
// take is an error that names it.
func stateOf(doc *StateDocument) (*engine.State, error) {
	cookies := make([]Cookie, len(doc.Cookies))
	for i, c := range doc.Cookies {
		if c.Name == "" || c.URL == "" && c.Domain == "" {
			return nil, sessionql.Errorf(sessionql.CodeInvalidRequest, "context.cookies[%d] needs a name and a url or domain.", i)
		}
		if c.Expires < 0 {
			c.Expires = 0
		}
		cookies[i] = c
	}
	raw, _ := json.Marshal(cookies)
	st := &engine.State{Origins: map[string]*engine.Storage{}}
	if err := json.Unmarshal(raw, &st.Cookies); err != nil {
		return nil, sessionql.Errorf(sessionql.CodeInvalidRequest, "context.cookies could not be read: %v (sameSite is Strict, Lax or None).", err)
	}
	for origin, items := range doc.LocalStorage {
		storageFor(st, origin).Local = items
	}
	for origin, items := range doc.SessionStorage {
		storageFor(st, origin).Session = items
	}
	return st, nil
}

func storageFor(st *engine.State, origin string) *engine.Storage {
	if st.Origins[origin] == nil {
		st.Origins[origin] = &engine.Storage{}
	}
	return st.Origins[origin]
}

// CheckStateDocument says what is wrong with a document before a session
// is created from it.
func (s *Service) CheckStateDocument(doc *StateDocument) error {
	st, err := stateOf(doc)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(st)
	if len(raw) > s.cfg.MaxStateBytes {
		return stateTooLarge(len(raw), s.cfg.MaxStateBytes)
	}
	return nil
}

// importState stores doc as the new session's saved state, which its
// first launch restores.
func (s *Service) importState(id string, doc *StateDocument) error {
	st, err := stateOf(doc)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if len(raw) > s.cfg.MaxStateBytes {
		return stateTooLarge(len(raw), s.cfg.MaxStateBytes)
	}
	if err := s.store.PutState(id, raw); err != nil {
		return fmt.Errorf("import the session's state: %w", err)
	}
	return nil
}
