package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessionql/sessionql/sessions"
)

// node is this server's membership of the cluster: its id and lease, and
// the epoch of each session it claimed, which fences its writes.
type node struct {
	id, url string
	lease   time.Duration

	mu     sync.Mutex
	claims map[string]int64 // session id → epoch of this node's claim
	stop   chan struct{}
	done   chan struct{}
}

// Join makes the store a node of a cluster (cluster mode): it inserts a
// lease row for this node, reachable by other nodes at url, renews it
// every third of lease until Leave, and from then on writes a claimed
// session's record and state only while this node owns it at the epoch
// it claimed (sessions.ErrFenced otherwise). Times are the database's.
func (s *Store) Join(ctx context.Context, url string, lease time.Duration) error {
	n := &node{id: strings.ToLower(rand.Text())[:16], url: url, lease: lease, claims: map[string]int64{}, stop: make(chan struct{}), done: make(chan struct{})}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var others int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM sessionql_nodes WHERE url = $1 AND lease_until > now()`, url).Scan(&others)
	if err != nil {
		return err
	}
	if others > 0 {
		return fmt.Errorf("NODE_URL %s is the URL of another node whose lease still runs; give each node its own NODE_URL", url)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO sessionql_nodes (id, url, lease_until) VALUES ($1, $2, now() + $3 * interval '1 millisecond')`, n.id, url, lease.Milliseconds())
	if err != nil {
		return err
	}
	// nodes that died long ago and own nothing are forgotten
	_, err = s.pool.Exec(ctx, `DELETE FROM sessionql_nodes n WHERE n.lease_until < now() - interval '1 hour'
		AND NOT EXISTS (SELECT 1 FROM sessionql_sessions s WHERE s.owner = n.id)`)
	if err != nil {
		return err
	}
	s.node = n
	go s.renew(n)
	return nil
}

// Alone refuses a server without NODE_URL on a database that nodes of a
// cluster use: it would serve their sessions without owning them.
func (s *Store) Alone(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var urls []string
	err := s.pool.QueryRow(ctx, `SELECT coalesce(array_agg(url), '{}') FROM sessionql_nodes WHERE lease_until > now()`).Scan(&urls)
	if err != nil {
		return err
	}
	if len(urls) > 0 {
		return fmt.Errorf("DATABASE_URL is used by a cluster (nodes %s are alive); set NODE_URL (and PROFILE_STORE) to join it", strings.Join(urls, ", "))
	}
	return nil
}

// renew extends the lease every third of its length.
func (s *Store) renew(n *node) {
	defer close(n.done)
	tick := time.NewTicker(n.lease / 3)
	defer tick.Stop()
	for {
		select {
		case <-n.stop:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(s.life, n.lease/3)
		_, err := s.pool.Exec(ctx, `INSERT INTO sessionql_nodes (id, url, lease_until) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
			ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until`, n.id, n.url, n.lease.Milliseconds())
		cancel()
		if err != nil {
			slog.Error("could not renew this node's lease; its sessions move to other nodes when it runs out", "err", err)
		}
	}
}

// Drain marks this node as shutting down.
func (s *Store) Drain() error {
	ctx, cancel := s.call()
	defer cancel()
	_, err := s.pool.Exec(ctx, `UPDATE sessionql_nodes SET draining = true WHERE id = $1`, s.node.id)
	return err
}

// Leave releases every session this node still owns and deletes its lease.
func (s *Store) Leave() error {
	n := s.node
	if n == nil {
		return nil
	}
	close(n.stop)
	<-n.done
	ctx, cancel := s.call()
	defer cancel()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE sessionql_sessions SET owner = NULL WHERE owner = $1`, n.id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM sessionql_nodes WHERE id = $1`, n.id)
		return err
	})
}

func (n *node) epoch(id string) (int64, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	e, ok := n.claims[id]
	return e, ok
}

func (n *node) setEpoch(id string, epoch int64, claimed bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if claimed {
		n.claims[id] = epoch
	} else {
		delete(n.claims, id)
	}
}

// ownerAlive is SQL true when the session row s has an owner whose lease
// still runs.
const ownerAlive = `EXISTS (SELECT 1 FROM sessionql_nodes n WHERE n.id = s.owner AND n.lease_until > now())`

// Claim makes this node the session's owner, bumping its epoch, unless
// another node with a live lease owns it.
func (s *Store) Claim(id string) (*sessions.Session, error) {
	n := s.node
	ctx, cancel := s.call()
	defer cancel()
	var epoch int64
	var raw []byte
	err := s.pool.QueryRow(ctx, `UPDATE sessionql_sessions s SET owner = $2, epoch = s.epoch + 1
		WHERE s.id = $1 AND (s.owner IS NULL OR s.owner = $2 OR NOT `+ownerAlive+`)
		RETURNING s.epoch, s.record`, id, n.id).Scan(&epoch, &raw)
	if errors.Is(err, pgx.ErrNoRows) {
		o, err := s.Owner(id)
		if err != nil || !o.Found {
			return nil, err
		}
		return nil, &sessions.OwnedError{URL: o.URL, LeaseLeft: o.LeaseLeft}
	}
	if err != nil {
		return nil, err
	}
	sess, err := decode(id, raw)
	if err != nil {
		return nil, err
	}
	n.setEpoch(id, epoch, true)
	return sess, nil
}

// Holds reports whether this node still owns the session at the epoch it
// claimed.
func (s *Store) Holds(id string) (bool, error) {
	n := s.node
	epoch, ok := n.epoch(id)
	if !ok {
		return false, nil
	}
	ctx, cancel := s.call()
	defer cancel()
	var holds bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM sessionql_sessions WHERE id = $1 AND owner = $2 AND epoch = $3)`, id, n.id, epoch).Scan(&holds)
	if err == nil && !holds {
		n.setEpoch(id, 0, false)
	}
	return holds, err
}

// Release gives up a session this node claimed, unless it was fenced.
func (s *Store) Release(id string) error {
	n := s.node
	epoch, ok := n.epoch(id)
	if !ok {
		return nil
	}
	n.setEpoch(id, 0, false)
	ctx, cancel := s.call()
	defer cancel()
	_, err := s.pool.Exec(ctx, `UPDATE sessionql_sessions SET owner = NULL WHERE id = $1 AND owner = $2 AND epoch = $3`, id, n.id, epoch)
	return err
}

// Owner says which node owns the session now.
func (s *Store) Owner(id string) (sessions.Owner, error) {
	ctx, cancel := s.call()
	defer cancel()
	var owner, url *string
	var leftMs *float64
	var draining *bool
	err := s.pool.QueryRow(ctx, `SELECT s.owner, n.url, extract(epoch FROM n.lease_until - now()) * 1000, n.draining
		FROM sessionql_sessions s LEFT JOIN sessionql_nodes n ON n.id = s.owner WHERE s.id = $1`, id).Scan(&owner, &url, &leftMs, &draining)
	if errors.Is(err, pgx.ErrNoRows) {
		return sessions.Owner{}, nil
	}
	if err != nil {
		return sessions.Owner{}, err
	}
	o := sessions.Owner{Found: true}
	if owner != nil && url != nil && leftMs != nil {
		o.Self = s.node != nil && *owner == s.node.id
		o.URL, o.LeaseLeft, o.Draining = *url, time.Duration(*leftMs*float64(time.Millisecond)), *draining
	}
	return o, nil
}

// Record reads a session's record; nil when there is none.
func (s *Store) Record(id string) (*sessions.Session, error) {
	ctx, cancel := s.call()
	defer cancel()
	var raw []byte
	err := s.pool.QueryRow(ctx, `SELECT record FROM sessionql_sessions WHERE id = $1`, id).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decode(id, raw)
}

// Expired lists sessions whose TTL ran out and that no other live node
// owns.
func (s *Store) Expired(now time.Time, limit int) ([]string, error) {
	ctx, cancel := s.call()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT s.id FROM sessionql_sessions s WHERE s.expires_nanos <= $1
		AND (s.owner IS NULL OR s.owner = $2 OR NOT `+ownerAlive+`) LIMIT $3`, now.UnixNano(), s.node.id, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Nodes lists the nodes whose lease runs and the sessions each owns.
func (s *Store) Nodes() ([]sessions.NodeLoad, error) {
	ctx, cancel := s.call()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT n.url, (SELECT count(*) FROM sessionql_sessions s WHERE s.owner = n.id)::int
		FROM sessionql_nodes n WHERE n.lease_until > now() ORDER BY n.url`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (sessions.NodeLoad, error) {
		var l sessions.NodeLoad
		return l, row.Scan(&l.URL, &l.Sessions)
	})
}

func decode(id string, raw []byte) (*sessions.Session, error) {
	var sess sessions.Session
	if err := json.Unmarshal(raw, &sess); err != nil || sess.ID != id {
		return nil, fmt.Errorf("session record %s is unreadable: %v", id, err)
	}
	return &sess, nil
}

// fence is the condition on the session row s under which this node may
// write it: outside cluster mode always; for a session this node claimed,
// while it owns it at that epoch; otherwise while no live node owns it.
// Its placeholders are numbered from next.
func (s *Store) fence(id string, next int) (cond string, args []any) {
	n := s.node
	if n == nil {
		return "true", nil
	}
	if epoch, ok := n.epoch(id); ok {
		return fmt.Sprintf("s.owner = $%d AND s.epoch = $%d", next, next+1), []any{n.id, epoch}
	}
	return "(s.owner IS NULL OR NOT " + ownerAlive + ")", nil
}

// fenced turns a write that matched no row into sessions.ErrFenced, and
// forgets the claim.
func (s *Store) fenced(id string) error {
	if s.node != nil {
		s.node.setEpoch(id, 0, false)
	}
	return sessions.ErrFenced
}
