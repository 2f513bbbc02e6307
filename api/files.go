package api

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/sessions"
)

// multipartOverhead is room for a multipart body's boundaries and headers
// beyond the files' bytes.
const multipartOverhead = 1 << 20

func (a *API) listDownloads(w http.ResponseWriter, r *http.Request) {
	files, err := a.sessions.Downloads(chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"downloads": files})
}

func (a *API) listUploads(w http.ResponseWriter, r *http.Request) {
	files, err := a.sessions.Uploads(chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"uploads": files})
}

// fileName is the {name} of a files route, unescaped: a name with an
// escaped slash arrives whole, and is refused by the service.
func fileName(r *http.Request) (string, error) {
	name, err := url.PathUnescape(chi.URLParam(r, "name"))
	if err != nil {
		return "", sessionql.Errorf(sessionql.CodeInvalidArgument, "The file name in the path is not valid percent-encoding.")
	}
	return name, nil
}

// getDownload streams one complete download as an attachment; Range
// requests work.
func (a *API) getDownload(w http.ResponseWriter, r *http.Request) {
	name, err := fileName(r)
	if err != nil {
		writeError(w, err)
		return
	}
	f, info, err := a.sessions.OpenDownload(chi.URLParam(r, "id"), name)
	if err != nil {
		writeError(w, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", info.MimeType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": info.Name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", info.CreatedAt, f)
}

func (a *API) deleteDownload(w http.ResponseWriter, r *http.Request) {
	a.deleteFile(w, r, a.sessions.DeleteDownload)
}

func (a *API) deleteUpload(w http.ResponseWriter, r *http.Request) {
	a.deleteFile(w, r, a.sessions.DeleteUpload)
}

func (a *API) deleteFile(w http.ResponseWriter, r *http.Request, remove func(id, name string) error) {
	name, err := fileName(r)
	if err == nil {
		err = remove(chi.URLParam(r, "id"), name)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// upload stores the files of a multipart/form-data body for the session
// and answers their names and paths. A body that is not all good keeps
// none of its files.
func (a *API) upload(w http.ResponseWriter, r *http.Request) {
	if saved, ok := a.receiveUploads(w, r); ok {
		writeJSON(w, http.StatusCreated, map[string]any{"uploads": saved})
	}
}

// receiveUploads saves the files of a multipart/form-data body for the
// session {id}, all or none; on failure it has answered the error.
func (a *API) receiveUploads(w http.ResponseWriter, r *http.Request) ([]sessions.File, bool) {
	id := chi.URLParam(r, "id")
	max := a.sessions.MaxUploadBytes() + multipartOverhead
	if r.ContentLength > max {
		writeError(w, uploadTooLarge(a.sessions.MaxUploadBytes()))
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, a.deadlineBody(w, r.Body), max)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, sessionql.Errorf(sessionql.CodeUnsupportedMedia, "Send the files as multipart/form-data (curl: -F file=@report.pdf)."))
		return nil, false
	}
	saved, err := a.saveParts(id, mr)
	if err == nil && len(saved) == 0 {
		err = sessionql.Errorf(sessionql.CodeInvalidRequest, "The body holds no file; send each as a part with a filename (curl: -F file=@report.pdf).")
	}
	if err != nil {
		for _, f := range saved {
			a.sessions.DeleteUpload(id, f.Name)
		}
		writeError(w, uploadError(err, a.sessions.MaxUploadBytes()))
		return nil, false
	}
	return saved, true
}

// saveParts saves each part that has a filename under that name, as the
// client sent it: a name with a path is refused, not cut to its base.
func (a *API) saveParts(id string, mr *multipart.Reader) ([]sessions.File, error) {
	var saved []sessions.File
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return saved, nil
		}
		if err != nil {
			return saved, err
		}
		_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		name, ok := params["filename"]
		if !ok {
			part.Close()
			continue
		}
		f, err := a.sessions.SaveUpload(id, name, part)
		part.Close()
		if err != nil {
			return saved, err
		}
		saved = append(saved, f)
	}
}

// uploadError turns a body read's failure into the error to answer.
func uploadError(err error, max int64) error {
	switch {
	case isTooLarge(err):
		return uploadTooLarge(max)
	case isTimeout(err):
		return slowBody()
	}
	var app *sessionql.Error
	if !errors.As(err, &app) {
		return sessionql.Errorf(sessionql.CodeInvalidRequest, "The multipart body could not be read: %v.", err)
	}
	return err
}

func uploadTooLarge(max int64) error {
	return sessionql.Errorf(sessionql.CodePayloadTooLarge, "A session's uploads may hold %s bytes together (MAX_UPLOAD_BYTES).", strconv.FormatInt(max, 10))
}
