package sessions

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/sessionql/sessionql"
)

// Cluster is the coordination of several nodes sharing one Store (cluster
// mode, NODE_URL): every node keeps a lease, a live session has one owner
// node with a fencing epoch, and a node writes a claimed session's record
// and state only while it still owns it at that epoch. pgstore implements
// it; times are the database's.
type Cluster interface {
	// Record reads a session's record as stored now; nil when there is none.
	Record(id string) (*Session, error)
	// Claim makes this node the session's owner, bumping its epoch, when
	// nobody owns it, this node does, or its owner's lease has run out.
	// It returns the record as stored; nil when there is none; an
	// *OwnedError when another node with a live lease owns it.
	Claim(id string) (*Session, error)
	// Holds reports whether this node still owns the session at the
	// epoch it claimed.
	Holds(id string) (bool, error)
	// Release gives up the session this node claimed (owner NULL), unless
	// it was fenced meanwhile.
	Release(id string) error
	// Owner says which node owns the session now.
	Owner(id string) (Owner, error)
	// Expired lists up to limit sessions whose TTL ran out by now and that
	// no live node owns but this one.
	Expired(now time.Time, limit int) ([]string, error)
	// Nodes lists the nodes with a live lease and the sessions each owns.
	Nodes() ([]NodeLoad, error)
	// Drain marks this node as shutting down: requests its sessions get
	// elsewhere are told to retry soon, not when its lease runs out.
	Drain() error
	// Leave releases every session this node still owns and ends its
	// lease.
	Leave() error
}

// Owner is the owner of a session as the cluster sees it.
type Owner struct {
	Found     bool          // the session exists
	Self      bool          // this node owns it
	URL       string        // the owner's NODE_URL; empty when nobody owns it
	LeaseLeft time.Duration // how long the owner's lease still runs; <= 0 when it ran out
	Draining  bool          // the owner is shutting down and hands its sessions over
}

// NodeLoad is one node of the cluster, as /pressure reports it.
type NodeLoad struct {
	URL      string `json:"url"`
	Sessions int    `json:"sessions"` // sessions it owns (live there)
}

// ClusterPressure is the cluster's part of /pressure.
type ClusterPressure struct {
	NodesAlive int        `json:"nodesAlive"`
	Nodes      []NodeLoad `json:"nodes"`
}

// ErrFenced is a write refused because this node no longer owns the
// session at the epoch it claimed: another node took it over.
var ErrFenced = errors.New("the session is owned by another node now")

// OwnedError is a claim refused because another node with a live lease
// owns the session.
type OwnedError struct {
	URL       string
	LeaseLeft time.Duration
}

func (e *OwnedError) Error() string {
	return fmt.Sprintf("the session is owned by %s for another %s", e.URL, e.LeaseLeft.Round(time.Millisecond))
}

// SessionMoving is the answer while a session changes node: its owner
// stopped answering but its lease still runs, or it was just handed over.
// It is a *sessionql.LimitError so that the transport sends Retry-After.
func SessionMoving(retryAfter time.Duration) error {
	retryAfter = max(retryAfter, time.Second)
	return &sessionql.LimitError{Err: sessionql.Errorf(sessionql.CodeSessionMoving,
		"The session is moving to another node (its node stopped answering or is shutting down); try again in %d s.", int(retryAfter.Round(time.Second)/time.Second)), RetryAfter: retryAfter}
}

// Clustered reports whether the service runs in cluster mode.
func (s *Service) Clustered() bool { return s != nil && s.cluster != nil }

// Route says where a request for session id is served: nil here, or the
// URL of the owner node, which has a live lease. A request that was already
// forwarded once is always served here (at most one hop). Outside cluster
// mode it is always here.
func (s *Service) Route(id string, forwarded bool) (*url.URL, error) {
	if s.cluster == nil || forwarded {
		return nil, nil
	}
	if e := s.liveEntry(id); e != nil {
		return nil, nil
	}
	o, err := s.cluster.Owner(id)
	if err != nil {
		slog.Error("could not read the session's owner", "session", id, "err", err)
		return nil, storeUnreadable("the owner of session " + id)
	}
	if !o.Found || o.Self || o.URL == "" || o.LeaseLeft <= 0 {
		return nil, nil // served here: claimed on first use
	}
	return url.Parse(o.URL)
}

// OwnedBy reports whether the node at u still owns session id with a live
// lease; a forwarded request stops waiting for a node that does not.
func (s *Service) OwnedBy(id string, u *url.URL) bool {
	if s.cluster == nil {
		return false
	}
	o, err := s.cluster.Owner(id)
	if err != nil {
		return true // the database does not say otherwise
	}
	return o.LeaseLeft > 0 && strings.TrimSuffix(o.URL, "/") == strings.TrimSuffix(u.String(), "/")
}

// OwnerUnreachable is the answer when the owner node did not answer a
// forwarded request: session_moving until its lease runs out, when
// another node may claim the session.
func (s *Service) OwnerUnreachable(id string) error {
	left := time.Second
	if s.cluster != nil {
		if o, err := s.cluster.Owner(id); err == nil && !o.Draining && o.LeaseLeft > left {
			left = o.LeaseLeft
		}
	}
	return SessionMoving(left)
}

// liveEntry is the entry of id when its browser runs on this node.
func (s *Service) liveEntry(id string) *entry {
	s.mu.Lock()
	e := s.entries[id]
	s.mu.Unlock()
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.browser == nil && !e.claimed {
		return nil
	}
	return e
}

// clusterEntry is entry in cluster mode: a session whose browser does not
// run here is read from the store, so that what other nodes created,
// changed, stopped or let expire shows here.
func (s *Service) clusterEntry(id string) (*entry, error) {
	if e := s.liveEntry(id); e != nil {
		return e, nil
	}
	sess, err := s.cluster.Record(id)
	if err != nil {
		slog.Error("could not read a session's record", "session", id, "err", err)
		return nil, storeUnreadable("session " + id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[id]
	if sess == nil {
		if e != nil {
			delete(s.entries, id)
		}
		return nil, sessionql.Errorf(sessionql.CodeSessionNotFound, "No session %q: it never existed, was stopped, or expired.", id)
	}
	if e == nil {
		e = newEntry(sess)
		s.entries[id] = e
		return e, nil
	}
	e.mu.Lock()
	if e.browser == nil && !e.claimed && !e.stopped {
		e.sess = sess
	}
	e.mu.Unlock()
	return e, nil
}

// claim makes this node the owner of a session about to wake, with the
// record as stored now; the caller holds e.wake.
func (s *Service) claim(e *entry) error {
	if s.cluster == nil {
		return nil
	}
	sess, err := s.cluster.Claim(e.id)
	var owned *OwnedError
	switch {
	case errors.As(err, &owned):
		return SessionMoving(owned.LeaseLeft)
	case err != nil:
		slog.Error("could not claim the session", "session", e.id, "err", err)
		return storeUnavailable("the session's owner")
	case sess == nil:
		s.forget(e)
		return errStoppedNotFound(e.id)
	}
	e.mu.Lock()
	e.sess, e.claimed = sess, true
	e.mu.Unlock()
	return nil
}

// stillOwned checks, before a request uses a browser running here, that
// no other node took the session over (this node was paused or cut off
// past its lease): if one did, the browser is killed and the answer is
// session_moving. A database that does not answer leaves the session in
// use, as in single-node mode; its writes stay fenced.
func (s *Service) stillOwned(e *entry) error {
	if s.cluster == nil {
		return nil
	}
	e.mu.Lock()
	claimed := e.claimed
	e.mu.Unlock()
	if !claimed {
		return nil
	}
	holds, err := s.cluster.Holds(e.id)
	if err != nil || holds {
		return nil
	}
	return s.fenced(e)
}

// release gives up a session this node no longer runs.
func (s *Service) release(e *entry) {
	if s.cluster != nil {
		slogErr("could not release the session", s.cluster.Release(e.id), "session", e.id)
		e.mu.Lock()
		e.claimed = false
		e.mu.Unlock()
	}
}

// fenced ends a browser whose session another node took over: it is
// killed at once, without saving, and the session is forgotten here. The
// answer is session_moving: the same request succeeds on the new owner.
func (s *Service) fenced(e *entry) error {
	slog.Warn("fenced: another node owns the session now; its browser here is killed", "session", e.id)
	if b, page := e.detach(true); b != nil {
		if page != nil {
			page.Stop(SessionMoving(time.Second))
		}
		b.Abort()
	}
	e.mu.Lock()
	e.claimed = false
	e.mu.Unlock()
	s.forget(e)
	return SessionMoving(time.Second)
}

// sweepEvery is how often a node in cluster mode looks in the store for
// expired sessions that no live node runs.
const sweepEvery = time.Second

// sweep ends expired sessions that live on no node, whichever node
// created them: their records and profiles are deleted.
func (s *Service) sweep(now time.Time) {
	if s.cluster == nil || now.Sub(s.swept) < sweepEvery {
		return
	}
	s.swept = now
	ids, err := s.cluster.Expired(now, 100)
	slogErr("could not look for expired sessions", err)
	for _, id := range ids {
		if e, err := s.clusterEntry(id); err == nil {
			s.endLater(e)
		}
	}
}

// clusterPressure is the cluster's part of /pressure; nil outside
// cluster mode.
func (s *Service) clusterPressure() *ClusterPressure {
	if s.cluster == nil {
		return nil
	}
	nodes, err := s.cluster.Nodes()
	if err != nil {
		slog.Warn("could not read the cluster's nodes", "err", err)
		return &ClusterPressure{Nodes: []NodeLoad{}}
	}
	return &ClusterPressure{NodesAlive: len(nodes), Nodes: nodes}
}
