package api

import (
	"archive/zip"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
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

// bbFileRoutes answers Browserbase's downloads, uploads and recording.
// Uploads bound their body themselves (MAX_UPLOAD_BYTES), the others take
// limitBody.
func (a *API) bbFileRoutes(r chi.Router) {
	r.Post("/uploads", a.bbUpload)
	r.With(a.limitBody).Get("/downloads", a.bbDownloads)
	r.With(a.limitBody).Get("/recording", a.bbRecording)
}

// bbDownloads answers GET /v1/sessions/{id}/downloads as Browserbase does:
// a zip of the session's complete downloads, streamed; with none, an
// empty zip. A download still under way is left out.
func (a *API) bbDownloads(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	files, err := a.sessions.Downloads(id)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": id + "-downloads.zip"}))
	w.WriteHeader(http.StatusOK)
	zw := zip.NewWriter(w)
	for _, f := range files {
		if !f.Complete {
			continue
		}
		if err := a.zipDownload(zw, id, f.Name); err != nil {
			// The status is sent: all that is left is to cut the
			// answer short, which a zip reader sees as truncated.
			slog.Warn("browserbase downloads zip cut short", "session", id, "file", f.Name, "err", err)
			return
		}
	}
	zw.Close()
}

// zipDownload adds one complete download to the zip; a download removed
// meanwhile is skipped.
func (a *API) zipDownload(zw *zip.Writer, id, name string) error {
	f, info, err := a.sessions.OpenDownload(id, name)
	if err != nil {
		return nil
	}
	defer f.Close()
	out, err := zw.CreateHeader(&zip.FileHeader{Name: info.Name, Method: zip.Deflate, Modified: info.CreatedAt})
	if err != nil {
		return err
	}
	_, err = io.Copy(out, f)
	return err
}

// bbUpload answers POST /v1/sessions/{id}/uploads as Browserbase does: a
// multipart body whose file part (field "file") is saved in the session's
// uploads, then {"message": ...}. A CDP client passes its name to
// DOM.setFileInputFiles.
func (a *API) bbUpload(w http.ResponseWriter, r *http.Request) {
	saved, ok := a.receiveUploads(w, r)
	if !ok {
		return
	}
	names := make([]string, len(saved))
	for i, f := range saved {
		names[i] = f.Name
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Uploaded " + strings.Join(names, ", ") + "."})
}
