package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql/sessions"
)

// contextView is a context as the REST API shows it.
type contextView struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
	Version   int    `json:"version"`
}

func viewContext(c *sessions.Context) contextView {
	return contextView{ID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339Nano),
		UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339Nano), Version: c.Version}
}

// contextCreate is the body of POST /contexts.
type contextCreate struct {
	Name string `json:"name"`
}

// maxName is the longest name of a session or a context.
const maxName = 200

func validName(name string) error {
	if len(name) > maxName {
		return invalid("name may be at most %d bytes.", maxName)
	}
	return nil
}

func (a *API) createContext(w http.ResponseWriter, r *http.Request) {
	var req contextCreate
	if c, ok := a.newContext(w, r, &req, &req.Name); ok {
		writeJSON(w, http.StatusCreated, viewContext(c))
	}
}

// newContext reads a context create body into req, whose name is at name,
// and stores the context; on a refusal it has answered.
func (a *API) newContext(w http.ResponseWriter, r *http.Request, req any, name *string) (*sessions.Context, bool) {
	var err error
	if r.ContentLength != 0 {
		err = decode(r, req)
	}
	if err == nil {
		err = validName(*name)
	}
	var c *sessions.Context
	if err == nil {
		c, err = a.sessions.CreateContext(*name)
	}
	if err != nil {
		writeError(w, err)
		return nil, false
	}
	return c, true
}

func (a *API) getContext(w http.ResponseWriter, r *http.Request) {
	c, err := a.sessions.GetContext(chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, viewContext(c))
}

func (a *API) listContexts(w http.ResponseWriter, r *http.Request) {
	found, err := a.sessions.ListContexts(r.URL.Query().Get("name"))
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]contextView, len(found))
	for i, c := range found {
		out[i] = viewContext(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"contexts": out})
}

func (a *API) deleteContext(w http.ResponseWriter, r *http.Request) {
	if err := a.sessions.DeleteContext(chi.URLParam(r, "id")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// exportContext answers GET /sessions/{id}/context: the live session's
// cookies and storage, which a create's "context" takes back.
func (a *API) exportContext(w http.ResponseWriter, r *http.Request) {
	doc, err := a.sessions.ExportState(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// contextRequest is a create's "context": a saved context to start from
// ({"id", "persist"}), or a state document to import ({"cookies",
// "localStorage", "sessionStorage"}), never both.
type contextRequest struct {
	ID             string                       `json:"id"`
	Persist        bool                         `json:"persist"`
	Cookies        []sessions.Cookie            `json:"cookies"`
	LocalStorage   map[string]map[string]string `json:"localStorage"`
	SessionStorage map[string]map[string]string `json:"sessionStorage"`
}

// contextOptions reads a create's "context" into the session's options or
// the document to import.
func (c *contextRequest) apply(o *sessions.Options) (*sessions.StateDocument, error) {
	if c == nil {
		return nil, nil
	}
	isDoc := c.Cookies != nil || c.LocalStorage != nil || c.SessionStorage != nil
	switch {
	case c.ID != "" && isDoc:
		return nil, invalid("context takes either {\"id\", \"persist\"} to start from a saved context or {\"cookies\", \"localStorage\", \"sessionStorage\"} to import state, not both.")
	case c.ID != "":
		o.Context = &sessions.ContextRef{ID: c.ID, Persist: c.Persist}
		return nil, nil
	case c.Persist:
		return nil, invalid("context.persist needs context.id: the context to save back to.")
	}
	return &sessions.StateDocument{Cookies: c.Cookies, LocalStorage: c.LocalStorage, SessionStorage: c.SessionStorage}, nil
}
