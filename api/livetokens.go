package api

import (
	"crypto/rand"
	"strings"
	"sync"
	"time"
)

// liveTokenPrefix marks a live-view token, so that a person who finds one
// knows it opens one session's live view and nothing else.
const liveTokenPrefix = "sq_l_"

// liveGrant is what a live-view token allows: watching one session, with
// the options it was made with, until it expires or is revoked.
type liveGrant struct {
	session string
	expires time.Time // zero: until the session ends
	view    viewOptions
	revoked chan struct{} // closed by revoke: viewers let in with it end
}

// expired reports whether the grant has run out at now.
func (g *liveGrant) expired(now time.Time) bool {
	return !g.expires.IsZero() && !now.Before(g.expires)
}

// liveTokens are the live-view tokens the server handed out. They are
// random and kept in memory only: a restart revokes them all.
type liveTokens struct {
	mu sync.Mutex
	m  map[string]*liveGrant
}

// mint returns a new token for the grant, and forgets expired ones.
func (l *liveTokens) mint(g *liveGrant) string {
	token := liveTokenPrefix + strings.ToLower(rand.Text()) + strings.ToLower(rand.Text())
	g.revoked = make(chan struct{})
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*liveGrant{}
	}
	for t, old := range l.m {
		if old.expired(now) {
			delete(l.m, t)
		}
	}
	l.m[token] = g
	return token
}

// lookup returns the grant of a live token for session id, or false when
// the token is unknown, expired, revoked or for another session.
func (l *liveTokens) lookup(token, id string) (*liveGrant, bool) {
	if !isLiveToken(token) {
		return nil, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	g, ok := l.m[token]
	if !ok || g.session != id || g.expired(time.Now()) {
		return nil, false
	}
	return g, true
}

// revoke ends every live token of session id and the views opened with
// them; it returns how many there were.
func (l *liveTokens) revoke(id string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for t, g := range l.m {
		if g.session == id {
			close(g.revoked)
			delete(l.m, t)
			n++
		}
	}
	return n
}

// isLiveToken reports whether given looks like a live-view token.
func isLiveToken(given string) bool { return strings.HasPrefix(given, liveTokenPrefix) }
