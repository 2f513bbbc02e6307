package pgstore

import (
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessionql/sessionql/sessions"
)

// PutLiveToken keeps a live-view token's hash, so that every node accepts
// it; expired ones are dropped on the way.
func (s *Store) PutLiveToken(t sessions.LiveToken) error {
	ctx, cancel := s.call()
	defer cancel()
	var expires *int64
	if !t.Expires.IsZero() {
		n := t.Expires.UnixNano()
		expires = &n
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessionql_live_tokens WHERE expires_nanos <= $1`, time.Now().UnixNano()); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO sessionql_live_tokens (hash, session, expires_nanos, view) VALUES ($1, $2, $3, $4)`,
		t.Hash, t.Session, expires, t.View)
	return err
}

// LiveToken finds a live-view token by its hash.
func (s *Store) LiveToken(hash string) (sessions.LiveToken, bool, error) {
	ctx, cancel := s.call()
	defer cancel()
	t := sessions.LiveToken{Hash: hash}
	var expires *int64
	err := s.pool.QueryRow(ctx, `SELECT session, expires_nanos, view FROM sessionql_live_tokens WHERE hash = $1`, hash).Scan(&t.Session, &expires, &t.View)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, err
	}
	if expires != nil {
		t.Expires = time.Unix(0, *expires)
		if !time.Now().Before(t.Expires) {
			return t, false, nil
		}
	}
	return t, true, nil
}

// RevokeLiveTokens forgets every live-view token of session id.
func (s *Store) RevokeLiveTokens(id string) error {
	ctx, cancel := s.call()
	defer cancel()
	_, err := s.pool.Exec(ctx, `DELETE FROM sessionql_live_tokens WHERE session = $1`, id)
	return err
}
