package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations are the schema's versions, in order; version n is
// migrations[n-1]. A shipped migration is never edited: a change is a new
// one at the end.
var migrations = []string{
	`CREATE TABLE sessionql_sessions (
		id            text PRIMARY KEY,
		created_nanos bigint NOT NULL,
		expires_nanos bigint NOT NULL,
		record        json NOT NULL
	);
	CREATE INDEX sessionql_sessions_newest ON sessionql_sessions (created_nanos DESC, id DESC);
	CREATE TABLE sessionql_state (
		id    text PRIMARY KEY,
		state bytea NOT NULL
	);`,
	// 2: the sessions' event logs (see eventlog.go), kept after the
	// sessions end until LOG_RETENTION.
	`CREATE TABLE sessionql_events (
		session    text NOT NULL,
		id         bigint NOT NULL,
		type       text NOT NULL,
		time_nanos bigint NOT NULL,
		size       int NOT NULL,
		event      json NOT NULL,
		PRIMARY KEY (session, id)
	);
	CREATE TABLE sessionql_event_logs (
		session     text PRIMARY KEY,
		last        bigint NOT NULL DEFAULT 0,
		bytes       bigint NOT NULL DEFAULT 0,
		truncated   boolean NOT NULL DEFAULT false,
		ended_nanos bigint
	);
	CREATE INDEX sessionql_event_logs_ended ON sessionql_event_logs (ended_nanos) WHERE ended_nanos IS NOT NULL;`,
	// 3: cluster mode (NODE_URL): nodes keep a lease, a live session has an
	// owner node and a fencing epoch that every claim bumps.
	`CREATE TABLE sessionql_nodes (
		id          text PRIMARY KEY,
		url         text NOT NULL,
		lease_until timestamptz NOT NULL,
		draining    boolean NOT NULL DEFAULT false
	);
	ALTER TABLE sessionql_sessions ADD COLUMN owner text, ADD COLUMN epoch bigint NOT NULL DEFAULT 0;
	CREATE INDEX sessionql_sessions_owner ON sessionql_sessions (owner) WHERE owner IS NOT NULL;`,
	// 4: the sessions' recordings (RecordingLog in eventlog.go), in tables
	// shaped like the events' ones.
	`CREATE TABLE sessionql_recordings (LIKE sessionql_events INCLUDING ALL);
	CREATE TABLE sessionql_recording_logs (LIKE sessionql_event_logs INCLUDING ALL);`,
	// 5: cluster mode's live-view tokens (see livetokens.go), by hash, so
	// that a live URL works on every node.
	`CREATE TABLE sessionql_live_tokens (
		hash          text PRIMARY KEY,
		session       text NOT NULL,
		expires_nanos bigint,
		view          json NOT NULL
	);
	CREATE INDEX sessionql_live_tokens_session ON sessionql_live_tokens (session);`,
}

// migrateLock is the advisory lock that lets one server at a time migrate,
// so that two starting together do not both apply a version.
const migrateLock = 0x5e5510d1

// migrate brings the schema to the newest version, holding the advisory
// lock on one connection; versions already applied are skipped.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLock)
	_, err = conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS sessionql_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
	if err != nil {
		return err
	}
	var have int
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM sessionql_migrations`).Scan(&have); err != nil {
		return err
	}
	if have > len(migrations) {
		return fmt.Errorf("the database's schema is at version %d, newer than this server knows (%d); run the newer server", have, len(migrations))
	}
	for v := have + 1; v <= len(migrations); v++ {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, migrations[v-1]); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO sessionql_migrations (version) VALUES ($1)`, v)
			return err
		})
		if err != nil {
			return fmt.Errorf("schema migration %d: %w", v, err)
		}
	}
	return nil
}
