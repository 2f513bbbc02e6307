package events

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	logsBucket = []byte("logs")    // one nested bucket per session: ID → event
	metaBucket = []byte("logmeta") // session → meta
)

// meta is what the store keeps about one session's log.
type meta struct {
	Last      uint64    `json:"last"`
	Bytes     int       `json:"bytes"`
	Truncated bool      `json:"truncated,omitempty"`
	Ended     time.Time `json:"ended,omitzero"`
}

// BoltLog keeps events in two buckets of the server's bbolt file.
type BoltLog struct {
	db         *bolt.DB
	update     func(func(*bolt.Tx) error) error // db.Update, or the file's group commit
	logs, meta []byte                           // the buckets
	keepFirst  bool                             // at its bound the log refuses new events instead of dropping old ones
}

// NewBoltLog creates its buckets in db, which stays the caller's to close.
func NewBoltLog(db *bolt.DB) (*BoltLog, error) {
	return newBoltLog(&BoltLog{db: db, logs: logsBucket, meta: metaBucket})
}

// NewBoltRecordingLog is a BoltLog in buckets of its own, for a log whose
// first events matter most: one over its bound keeps them and refuses the
// newer ones, and says it is truncated. A session recording is such a log:
// without its first full snapshot, nothing after it can be replayed.
func NewBoltRecordingLog(db *bolt.DB) (*BoltLog, error) {
	return newBoltLog(&BoltLog{db: db, logs: []byte("recordings"), meta: []byte("recordingmeta"), keepFirst: true})
}

func newBoltLog(l *BoltLog) (*BoltLog, error) {
	l.update = l.db.Update
	err := l.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{l.logs, l.meta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	return l, err
}

// WriteThrough makes the log's writes go through update instead of
// transactions of their own; update must run its function in a read-write
// transaction of the log's file and return once it is committed, and may
// run it more than once. The server's store passes its group commit, so
// that events join the commits of session writes instead of taking turns
// with them for the file's one writer. Call it before the log is used.
func (l *BoltLog) WriteThrough(update func(func(*bolt.Tx) error) error) { l.update = update }

func key(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

func (l *BoltLog) readMeta(tx *bolt.Tx, session string) meta {
	var m meta
	if raw := tx.Bucket(l.meta).Get([]byte(session)); raw != nil {
		_ = json.Unmarshal(raw, &m) // a damaged meta counts as empty
	}
	return m
}

func (l *BoltLog) writeMeta(tx *bolt.Tx, session string, m meta) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return tx.Bucket(l.meta).Put([]byte(session), raw)
}

// Append implements Log.
func (l *BoltLog) Append(session string, evs []Event, maxBytes int) error {
	return l.update(func(tx *bolt.Tx) error { return l.appendTx(tx, session, evs, maxBytes) })
}

// AppendAll implements batchLog: the events of several sessions in one
// commit, so that a burst of sessions costs one disk sync, not one each.
func (l *BoltLog) AppendAll(order []string, bySession map[string][]Event, maxBytes int) error {
	return l.update(func(tx *bolt.Tx) error {
		for _, s := range order {
			if err := l.appendTx(tx, s, bySession[s], maxBytes); err != nil {
				return err
			}
		}
		return nil
	})
}

func (l *BoltLog) appendTx(tx *bolt.Tx, session string, evs []Event, maxBytes int) error {
	b, err := tx.Bucket(l.logs).CreateBucketIfNotExists([]byte(session))
	if err != nil {
		return err
	}
	m := l.readMeta(tx, session)
	for _, e := range evs {
		if l.keepFirst && maxBytes > 0 && m.Bytes+e.Size() > maxBytes {
			m.Truncated = true
			break
		}
		raw, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if err := b.Put(key(e.ID), raw); err != nil {
			return err
		}
		m.Last, m.Bytes = e.ID, m.Bytes+e.Size()
	}
	if err := dropOldest(b, &m, maxBytes); err != nil {
		return err
	}
	return l.writeMeta(tx, session, m)
}

// dropOldest deletes the oldest events while the log is over maxBytes.
func dropOldest(b *bolt.Bucket, m *meta, maxBytes int) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil && maxBytes > 0 && m.Bytes > maxBytes; k, v = c.First() {
		var e Event
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		if err := c.Delete(); err != nil {
			return err
		}
		m.Bytes -= e.Size()
		m.Truncated = true
	}
	return nil
}

// Read implements Log.
func (l *BoltLog) Read(session string, q Query) (Page, error) {
	var p Page
	err := l.db.View(func(tx *bolt.Tx) error {
		p.Truncated = l.readMeta(tx, session).Truncated
		b := tx.Bucket(l.logs).Bucket([]byte(session))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(key(q.After + 1)); k != nil; k, v = c.Next() {
			var e Event
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if !q.match(e) {
				continue
			}
			if q.Limit > 0 && len(p.Events) == q.Limit {
				p.Next = p.Events[len(p.Events)-1].ID
				return nil
			}
			p.Events = append(p.Events, e)
		}
		return nil
	})
	return p, err
}

// LastID implements Log.
func (l *BoltLog) LastID(session string) (last uint64, err error) {
	err = l.db.View(func(tx *bolt.Tx) error {
		last = l.readMeta(tx, session).Last
		return nil
	})
	return last, err
}

// End implements Log.
func (l *BoltLog) End(session string, t time.Time) error {
	return l.update(func(tx *bolt.Tx) error {
		m := l.readMeta(tx, session)
		m.Ended = t
		return l.writeMeta(tx, session, m)
	})
}

// DeleteExpired implements Log.
func (l *BoltLog) DeleteExpired(t time.Time) (n int, err error) {
	err = l.update(func(tx *bolt.Tx) error {
		var gone [][]byte
		err := tx.Bucket(l.meta).ForEach(func(k, v []byte) error {
			var m meta
			if json.Unmarshal(v, &m) == nil && !m.Ended.IsZero() && m.Ended.Before(t) {
				gone = append(gone, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range gone {
			if err := tx.Bucket(l.logs).DeleteBucket(k); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
				return err
			}
			if err := tx.Bucket(l.meta).Delete(k); err != nil {
				return err
			}
		}
		n = len(gone)
		return nil
	})
	return n, err
}
