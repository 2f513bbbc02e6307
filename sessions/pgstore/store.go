// Package pgstore keeps session records and their saved state in
// PostgreSQL (DATABASE_URL), so that they outlive one machine.
package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sessionql/sessionql/sessions"
)

// callTimeout bounds one statement, so that a database that stopped
// answering fails the request instead of holding it.
const callTimeout = 10 * time.Second

// Store is a sessions.Store, sessions.Lister and sessions.Limiter on
// PostgreSQL. Every write is committed before it returns.
type Store struct {
	node *node // set by Join in cluster mode
	pool *pgxpool.Pool
	life context.Context // ends at Close
	end  context.CancelFunc
}

// Open connects to the database at url, checks that it answers, and
// migrates its schema. An unreachable database or bad URL is refused here,
// with a message that names the host but not the password.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL is not a PostgreSQL URL: %w", err)
	}
	where := fmt.Sprintf("%s:%d/%s as %s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, cfg.ConnConfig.User)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot reach the session database at %s: %w", where, err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("the session database at %s: %w", where, err)
	}
	life, end := context.WithCancel(context.WithoutCancel(ctx))
	return &Store{pool: pool, life: life, end: end}, nil
}

func (s *Store) call() (context.Context, context.CancelFunc) {
	return context.WithTimeout(s.life, callTimeout)
}

// Close ends every connection.
func (s *Store) Close() error {
	s.end()
	s.pool.Close()
	return nil
}

// Put inserts or replaces a session's record.
func (s *Store) Put(sess *sessions.Session) error {
	raw, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	ctx, cancel := s.call()
	defer cancel()
	cond, args := s.fence(sess.ID, 5)
	record := "excluded.record"
	if s.node != nil && len(args) == 0 {
		// a node that does not own the session never changes its profile
		// key: an owner may have just pointed it at a new copy
		record = `((excluded.record::jsonb - 'profile') || jsonb_strip_nulls(jsonb_build_object('profile', s.record::jsonb -> 'profile')))::json`
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO sessionql_sessions AS s (id, created_nanos, expires_nanos, record) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET expires_nanos = excluded.expires_nanos, record = `+record+` WHERE `+cond,
		append([]any{sess.ID, sess.CreatedAt.UnixNano(), sess.ExpiresAt.UnixNano(), raw}, args...)...)
	if err == nil && tag.RowsAffected() == 0 {
		return s.fenced(sess.ID)
	}
	return err
}

// PutNew inserts a new session while fewer than max are stored. Creates
// are serialised by a transaction-scoped advisory lock, so that servers
// sharing the database never together pass max.
func (s *Store) PutNew(sess *sessions.Session, max int) (stored bool, err error) {
	raw, err := json.Marshal(sess)
	if err != nil {
		return false, err
	}
	ctx, cancel := s.call()
	defer cancel()
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, createLock); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO sessionql_sessions (id, created_nanos, expires_nanos, record)
			SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM sessionql_sessions) < $5`,
			sess.ID, sess.CreatedAt.UnixNano(), sess.ExpiresAt.UnixNano(), raw, max)
		stored = tag.RowsAffected() == 1
		return err
	})
	return stored, err
}

// createLock serialises creates across servers; see PutNew.
const createLock = 0x5e5510d2

// PutState writes a session's saved state.
func (s *Store) PutState(id string, raw []byte) error {
	ctx, cancel := s.call()
	defer cancel()
	const put = `INSERT INTO sessionql_state (id, state) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET state = excluded.state`
	if s.node == nil {
		_, err := s.pool.Exec(ctx, put, id, raw)
		return err
	}
	fenced := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		cond, args := s.fence(id, 2)
		tag, err := tx.Exec(ctx, `SELECT 1 FROM sessionql_sessions s WHERE s.id = $1 AND `+cond+` FOR UPDATE`, append([]any{id}, args...)...)
		if err != nil || tag.RowsAffected() == 0 {
			fenced = err == nil
			return err
		}
		_, err = tx.Exec(ctx, put, id, raw)
		return err
	})
	if fenced {
		return s.fenced(id)
	}
	return err
}

// State reads a session's saved state; nil when there is none.
func (s *Store) State(id string) ([]byte, error) {
	ctx, cancel := s.call()
	defer cancel()
	var raw []byte
	err := s.pool.QueryRow(ctx, `SELECT state FROM sessionql_state WHERE id = $1`, id).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return raw, err
}

// Delete removes a session's record and state in one transaction.
func (s *Store) Delete(id string) error {
	ctx, cancel := s.call()
	defer cancel()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessionql_sessions WHERE id = $1`, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM sessionql_state WHERE id = $1`, id)
		return err
	})
}

// All reads every record, as the Service does once at start.
func (s *Store) All() (all []*sessions.Session, broken []string, err error) {
	ctx, cancel := context.WithTimeout(s.life, 10*callTimeout)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT id, record FROM sessionql_sessions`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, nil, err
		}
		var sess sessions.Session
		if err := json.Unmarshal(raw, &sess); err != nil || sess.ID != id {
			slog.Error("session record is unreadable", "id", id, "err", err)
			broken = append(broken, id)
			continue
		}
		all = append(all, &sess)
	}
	return all, broken, rows.Err()
}
