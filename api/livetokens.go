package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/sessionql/sessionql/sessions"
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
// random and kept in memory: a restart revokes them all. In cluster mode
// shared keeps them too (hashed), so that every node accepts them and a
// live URL outlives its session's move to another node.
type liveTokens struct {
	shared sessions.LiveTokenStore // nil outside cluster mode
	mu     sync.Mutex
	m      map[string]*liveGrant
}

// liveTokenHash is what shared keeps of a token.
func liveTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// mint returns a new token for the grant, and forgets expired ones.
func (l *liveTokens) mint(g *liveGrant) (string, error) {
	token := liveTokenPrefix + strings.ToLower(rand.Text()) + strings.ToLower(rand.Text())
	if l.shared != nil {
		view, err := json.Marshal(g.view)
		if err != nil {
			return "", err
		}
		if err := l.shared.PutLiveToken(sessions.LiveToken{Hash: liveTokenHash(token), Session: g.session, Expires: g.expires, View: view}); err != nil {
			return "", err
		}
	}
	l.keep(token, g)
	return token, nil
}

// keep remembers token's grant in memory.
func (l *liveTokens) keep(token string, g *liveGrant) {
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
}

// lookup returns the grant of a live token for session id, or false when
// the token is unknown, expired, revoked or for another session. In
// cluster mode shared decides, since another node may have minted or
// revoked it.
func (l *liveTokens) lookup(token, id string) (*liveGrant, bool) {
	if !isLiveToken(token) {
		return nil, false
	}
	var g *liveGrant
	ok := false
	if l.shared != nil {
		g, ok = l.fetch(token)
	} else {
		l.mu.Lock()
		g, ok = l.m[token]
		l.mu.Unlock()
	}
	if !ok || g.session != id || g.expired(time.Now()) {
		return nil, false
	}
	return g, true
}

// fetch reads a token from shared: the grant this node keeps for it, or
// a new one when another node minted it. A token shared no longer has was
// revoked by another node and is forgotten here too.
func (l *liveTokens) fetch(token string) (*liveGrant, bool) {
	t, ok, err := l.shared.LiveToken(liveTokenHash(token))
	if err != nil {
		slog.Warn("could not read a live-view token", "error", err)
		return nil, false
	}
	l.mu.Lock()
	g, known := l.m[token]
	if !ok && known {
		close(g.revoked)
		delete(l.m, token)
	}
	l.mu.Unlock()
	if !ok {
		return nil, false
	}
	if known {
		return g, true
	}
	g = &liveGrant{session: t.Session, expires: t.Expires}
	if err := json.Unmarshal(t.View, &g.view); err != nil {
		slog.Warn("a live-view token's view does not decode", "session", t.Session, "error", err)
		return nil, false
	}
	l.keep(token, g)
	return g, true
}

// revoke ends every live token of session id and the views opened with
// them; it returns how many this node knew.
func (l *liveTokens) revoke(id string) (int, error) {
	if l.shared != nil {
		if err := l.shared.RevokeLiveTokens(id); err != nil {
			return 0, err
		}
	}
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
	return n, nil
}

// isLiveToken reports whether given looks like a live-view token.
func isLiveToken(given string) bool { return strings.HasPrefix(given, liveTokenPrefix) }
