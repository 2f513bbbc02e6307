package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessionql/sessionql/events"
)

// EventLog is the events.Log of the sessions' events in the same
// database: table sessionql_events holds the events, sessionql_event_logs
// what is known of each session's log (newest id, bytes, truncated,
// ended). Every server sharing the database reads every session's logs.
// Over its bound a log drops its oldest events.
func (s *Store) EventLog() events.Log {
	return eventLog{s, logTables("sessionql_events", "sessionql_event_logs"), false}
}

// RecordingLog is the events.Log of the sessions' recordings, in tables
// sessionql_recordings and sessionql_recording_logs shaped like the
// events' ones. Over its bound a recording keeps its first events and
// refuses newer ones, as events.NewBoltRecordingLog does: without its
// first full snapshot nothing after it can be replayed.
func (s *Store) RecordingLog() events.Log {
	return eventLog{s, logTables("sessionql_recordings", "sessionql_recording_logs"), true}
}

// eventLog is one log's pair of tables: q puts their names into a
// statement's {events} and {logs}. keepFirst: at its bound the log
// refuses new events instead of dropping old ones.
type eventLog struct {
	s         *Store
	q         func(sql string) string
	keepFirst bool
}

func logTables(evs, logs string) func(string) string {
	return strings.NewReplacer("{events}", evs, "{logs}", logs).Replace
}

// Append implements events.Log in one transaction: the events, the
// session's newest id and bytes, then its oldest events dropped while it
// holds more than maxBytes; a keepFirst log instead keeps only the events
// that fit. The session's log row is locked first, and its last id read:
// when another server recorded for the same session (cluster mode), its
// ids may already be taken, and evs are numbered on after them instead of
// dropped.
func (l eventLog) Append(session string, evs []events.Event, maxBytes int) error {
	if len(evs) == 0 {
		return nil
	}
	ctx, cancel := l.s.call()
	defer cancel()
	return pgx.BeginFunc(ctx, l.s.pool, func(tx pgx.Tx) error {
		var last, held int64
		err := tx.QueryRow(ctx, l.q(`INSERT INTO {logs} AS l (session) VALUES ($1)
			ON CONFLICT (session) DO UPDATE SET session = l.session RETURNING last, bytes`), session).Scan(&last, &held)
		if err != nil {
			return err
		}
		if l.keepFirst && maxBytes > 0 {
			if evs, err = l.fitting(ctx, tx, session, evs, held, maxBytes); err != nil || len(evs) == 0 {
				return err
			}
		}
		shift := int64(0)
		if first := int64(evs[0].ID); first <= last {
			shift = last + 1 - first
		}
		var b pgx.Batch
		added := 0
		for _, e := range evs {
			e.ID = uint64(int64(e.ID) + shift)
			raw, err := json.Marshal(e)
			if err != nil {
				return err
			}
			b.Queue(l.q(`INSERT INTO {events} (session, id, type, time_nanos, size, event) VALUES ($1, $2, $3, $4, $5, $6)`),
				session, int64(e.ID), e.Type, e.Time.UnixNano(), e.Size(), raw)
			added += e.Size()
		}
		var bytes int64
		b.Queue(l.q(`UPDATE {logs} SET last = greatest(last, $2), bytes = bytes + $3 WHERE session = $1
			RETURNING bytes`), session, int64(evs[len(evs)-1].ID)+shift, added).QueryRow(func(row pgx.Row) error { return row.Scan(&bytes) })
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return err
		}
		if l.keepFirst || maxBytes <= 0 || bytes <= int64(maxBytes) {
			return nil
		}
		// Drop each oldest event whose elders sum to less than the excess.
		_, err = tx.Exec(ctx, l.q(`WITH r AS (
				SELECT id, sum(size) OVER (ORDER BY id) - size AS before FROM {events} WHERE session = $1
			), gone AS (
				DELETE FROM {events} e USING r WHERE e.session = $1 AND e.id = r.id AND r.before < $2 RETURNING e.size
			)
			UPDATE {logs} SET bytes = bytes - (SELECT coalesce(sum(size), 0) FROM gone), truncated = true WHERE session = $1`),
			session, bytes-int64(maxBytes))
		return err
	})
}

// fitting is the first of evs that fit in maxBytes beside the held bytes
// a keepFirst log has; when some do not, the log is marked truncated.
func (l eventLog) fitting(ctx context.Context, tx pgx.Tx, session string, evs []events.Event, held int64, maxBytes int) ([]events.Event, error) {
	n := 0
	for ; n < len(evs) && held+int64(evs[n].Size()) <= int64(maxBytes); n++ {
		held += int64(evs[n].Size())
	}
	if n < len(evs) {
		if _, err := tx.Exec(ctx, l.q(`UPDATE {logs} SET truncated = true WHERE session = $1`), session); err != nil {
			return nil, err
		}
	}
	return evs[:n], nil
}

// Read implements events.Log; one row more than the limit says whether
// there is a next page.
func (l eventLog) Read(session string, q events.Query) (events.Page, error) {
	ctx, cancel := l.s.call()
	defer cancel()
	var types []string
	for t := range q.Types {
		types = append(types, t)
	}
	since := int64(math.MinInt64)
	if !q.Since.IsZero() {
		since = q.Since.UnixNano()
	}
	var limit *int
	if q.Limit > 0 {
		limit = new(q.Limit + 1)
	}
	var p events.Page
	err := l.s.pool.QueryRow(ctx, l.q(`SELECT truncated FROM {logs} WHERE session = $1`), session).Scan(&p.Truncated)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return p, err
	}
	rows, err := l.s.pool.Query(ctx, l.q(`SELECT event FROM {events}
		WHERE session = $1 AND id > $2 AND ($3::text[] IS NULL OR type = ANY($3)) AND time_nanos >= $4
		ORDER BY id LIMIT $5`), session, int64(min(q.After, math.MaxInt64)), types, since, limit)
	if err != nil {
		return p, err
	}
	p.Events, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (events.Event, error) {
		var e events.Event
		var raw []byte
		if err := row.Scan(&raw); err != nil {
			return e, err
		}
		return e, json.Unmarshal(raw, &e)
	})
	if q.Limit > 0 && len(p.Events) > q.Limit {
		p.Events = p.Events[:q.Limit]
		p.Next = p.Events[q.Limit-1].ID
	}
	return p, err
}

// LastID implements events.Log.
func (l eventLog) LastID(session string) (uint64, error) {
	ctx, cancel := l.s.call()
	defer cancel()
	var last int64
	err := l.s.pool.QueryRow(ctx, l.q(`SELECT last FROM {logs} WHERE session = $1`), session).Scan(&last)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return uint64(last), err
}

// End implements events.Log.
func (l eventLog) End(session string, t time.Time) error {
	ctx, cancel := l.s.call()
	defer cancel()
	_, err := l.s.pool.Exec(ctx, l.q(`INSERT INTO {logs} (session, ended_nanos) VALUES ($1, $2)
		ON CONFLICT (session) DO UPDATE SET ended_nanos = excluded.ended_nanos`), session, t.UnixNano())
	return err
}

// DeleteExpired implements events.Log in one statement.
func (l eventLog) DeleteExpired(t time.Time) (int, error) {
	ctx, cancel := l.s.call()
	defer cancel()
	var n int
	err := l.s.pool.QueryRow(ctx, l.q(`WITH gone AS (
			DELETE FROM {logs} WHERE ended_nanos < $1 RETURNING session
		), evs AS (
			DELETE FROM {events} WHERE session IN (SELECT session FROM gone)
		)
		SELECT count(*) FROM gone`), t.UnixNano()).Scan(&n)
	return n, err
}
