package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql/sessions"
)

// bbContext is Browserbase's context object.
type bbContext struct {
	ID        string `json:"id"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
	ProjectID string `json:"projectId"`
	Name      string `json:"name,omitempty"`
}

// bbContextUpload is Browserbase's answer to a context create or update:
// where to upload an encrypted profile of one's own. This server fills
// contexts from its sessions only (browserSettings.context with persist),
// so the upload fields are empty.
type bbContextUpload struct {
	ID                       string `json:"id"`
	CipherAlgorithm          string `json:"cipherAlgorithm"`
	InitializationVectorSize int    `json:"initializationVectorSize"`
	PublicKey                string `json:"publicKey"`
	UploadURL                string `json:"uploadUrl"`
}

// bbContextCreate is the body of POST /v1/contexts.
type bbContextCreate struct {
	ProjectID string `json:"projectId"` // accepted and ignored
	Name      string `json:"name"`
}

func (a *API) bbCreateContext(w http.ResponseWriter, r *http.Request) {
	var req bbContextCreate
	if c, ok := a.newContext(w, r, &req, &req.Name); ok {
		writeJSON(w, http.StatusCreated, bbContextUpload{ID: c.ID})
	}
}

func (a *API) bbGetContext(w http.ResponseWriter, r *http.Request) {
	c, err := a.sessions.GetContext(chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, bbContextOf(c))
}

// bbUpdateContext answers PUT /v1/contexts/{id}, which asks Browserbase
// for a new upload URL: here the context as it is, with no upload.
func (a *API) bbUpdateContext(w http.ResponseWriter, r *http.Request) {
	c, err := a.sessions.GetContext(chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, bbContextUpload{ID: c.ID})
}

func bbContextOf(c *sessions.Context) bbContext {
	return bbContext{ID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339Nano), UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339Nano)}
}

// bbFileRoutes answers Browserbase's downloads and uploads, which this
// server does not serve on the Browserbase API yet, with a refusal that
// says so, and its recording.
func (a *API) bbFileRoutes(r chi.Router) {
	notYet := func(what string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			writeError(w, unsupported("%s: this server does not serve a session's %s on the Browserbase API yet.", what, what))
		}
	}
	r.Get("/downloads", notYet("downloads"))
	r.Post("/uploads", notYet("uploads"))
	r.Get("/recording", a.bbRecording)
}
