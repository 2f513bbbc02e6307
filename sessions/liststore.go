package sessions

import (
	"errors"
	"github.com/sessionql/sessionql"
	"log/slog"
	"time"
)

// errFull is a new session refused by a Limiter at MAX_SESSIONS.
var errFull = errors.New("the store holds MAX_SESSIONS sessions")

// putNew stores a new session, counted against MAX_SESSIONS by the store
// when it is a Limiter.
func (s *Service) putNew(sess *Session) error {
	l, ok := storeAs[Limiter](s.store)
	if !ok {
		return s.store.Put(sess)
	}
	stored, err := l.PutNew(sess, s.cfg.MaxSessions)
	if err == nil && !stored {
		return errFull
	}
	return err
}

// listStored is List asked of a Lister: the store selects and pages, and
// this server says which of the sessions run here.
func (s *Service) listStored(l Lister, f Filter) ([]View, string, error) {
	q := ListQuery{Status: f.Status, Query: f.Query, Name: f.Name, Now: time.Now(), Limit: f.Limit + 1}
	if f.Cursor != "" {
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		q.After = after
	}
	status := map[string]Status{}
	for _, e := range s.all() {
		e.mu.Lock()
		status[e.id] = e.status()
		e.mu.Unlock()
		if status[e.id] == Live {
			q.Live = append(q.Live, e.id)
		}
	}
	found, err := l.List(q)
	if err != nil {
		slog.Error("could not list the sessions", "err", err)
		return nil, "", storeUnreadable("the session list")
	}
	views := make([]View, 0, len(found))
	for _, sess := range found {
		st := status[sess.ID]
		if st == "" && sess.RunsOn != "" {
			st = Live
		}
		if st == "" {
			st = Hibernated
		}
		views = append(views, View{Session: sess, Status: st})
	}
	next := ""
	if f.Limit > 0 && len(views) > f.Limit {
		views = views[:f.Limit]
		next = encodeCursor(views[f.Limit-1].Session)
	}
	return views, next, nil
}

// storeUnreadable is the answer when the store (or the profile store) did
// not answer a read; nothing changed, and the request may be tried again.
func storeUnreadable(what string) error {
	return sessionql.Errorf(sessionql.CodeStoreUnavailable, "The server could not read %s from its store (the server log says why); try again shortly.", what)
}
