package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql/sessions"
)

func (a *API) create(w http.ResponseWriter, r *http.Request) {
	if err := checkCreateQuery(r.URL.Query()); err != nil {
		writeError(w, err)
		return
	}
	var req createRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	sess, err := a.createSession(&req)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, a.view(r, sess, sessions.Hibernated))
}

// createSession validates a create request and stores the new session,
// with its context or the state it imports.
func (a *API) createSession(req *createRequest) (*sessions.Session, error) {
	opts, ttl, err := req.options(a.cfg)
	var doc *sessions.StateDocument
	if err == nil {
		doc, err = req.Context.apply(&opts)
	}
	if err == nil && doc != nil {
		err = a.sessions.CheckStateDocument(doc)
	}
	if err != nil {
		return nil, err
	}
	return a.sessions.CreateFrom(opts, ttl, metadata(req.UserMetadata), doc)
}

func metadata(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

func (a *API) get(w http.ResponseWriter, r *http.Request) {
	sess, status, err := a.sessions.Get(chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, a.view(r, sess, status))
}

func (a *API) list(w http.ResponseWriter, r *http.Request) {
	f, err := listFilter(r)
	if err != nil {
		writeError(w, err)
		return
	}
	views, next, err := a.sessions.List(f)
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]sessionView, len(views))
	for i, v := range views {
		out[i] = a.view(r, v.Session, v.Status)
	}
	var nextCursor *string
	if next != "" {
		nextCursor = &next
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": out, "next": nextCursor})
}

func listFilter(r *http.Request) (sessions.Filter, error) {
	q := r.URL.Query()
	f := sessions.Filter{Limit: 50, Cursor: q.Get("cursor"), Name: q.Get("name")}
	switch s := sessions.Status(q.Get("status")); s {
	case "", sessions.Live, sessions.Hibernated:
		f.Status = s
	default:
		return f, invalid("status must be live or hibernated, not %q.", s)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return f, invalid("limit must be a whole number from 1 to 1000, not %q.", v)
		}
		f.Limit = n
	}
	if v := q.Get("q"); v != "" {
		mq, err := sessions.ParseQuery(v)
		if err != nil {
			return f, err
		}
		f.Query = mq
	}
	return f, nil
}

// updateRequest is the body of PATCH /sessions/{id}.
type updateRequest struct {
	TTL          *float64         `json:"ttl"`
	UserMetadata *json.RawMessage `json:"userMetadata"`
	RotateToken  bool             `json:"rotateToken"`
}

func (a *API) update(w http.ResponseWriter, r *http.Request) {
	var req updateRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	ttl, meta, err := req.changes(a.cfg)
	if err != nil {
		writeError(w, err)
		return
	}
	sess, status, err := a.apply(chi.URLParam(r, "id"), ttl, meta, req.RotateToken)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, a.view(r, sess, status))
}

// apply makes a PATCH's changes; rotateToken replaces the session's
// credential, so that the URLs it answers carry the new one.
func (a *API) apply(id string, ttl *time.Duration, meta *json.RawMessage, rotate bool) (*sessions.Session, sessions.Status, error) {
	if ttl != nil || meta != nil {
		if _, _, err := a.sessions.Update(id, ttl, meta); err != nil {
			return nil, "", err
		}
	}
	if !rotate {
		return a.sessions.Get(id)
	}
	sess, status, err := a.sessions.RotateToken(id)
	if err == nil {
		a.clients.endBefore(id, sess.TokenGen)
	}
	return sess, status, err
}

func (u *updateRequest) changes(cfg Config) (*time.Duration, *json.RawMessage, error) {
	if u.TTL == nil && u.UserMetadata == nil && !u.RotateToken {
		return nil, nil, invalid("PATCH needs ttl, userMetadata and/or rotateToken.")
	}
	var ttl *time.Duration
	if u.TTL != nil {
		d, err := validTTL(u.TTL, 0, cfg.MaxTTL)
		if err != nil {
			return nil, nil, err
		}
		ttl = &d
	}
	if u.UserMetadata != nil {
		if err := validMetadata(*u.UserMetadata); err != nil {
			return nil, nil, err
		}
		m := metadata(*u.UserMetadata)
		u.UserMetadata = &m
	}
	return ttl, u.UserMetadata, nil
}

func (a *API) stop(w http.ResponseWriter, r *http.Request) {
	if err := a.sessions.Stop(chi.URLParam(r, "id")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
