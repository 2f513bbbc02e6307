package sessions

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	bolt "go.etcd.io/bbolt"
)

var (
	sessionsBucket = []byte("sessions")
	stateBucket    = []byte("state")
)

// BoltStore is the default Store: session records, and the state each
// session keeps outside Chromium, on disk in one bbolt file, so sessions
// outlive server restarts. With a state key, the saved state (cookies,
// storage) is encrypted.
type BoltStore struct {
	db     *bolt.DB
	seal   *sealer // nil: state in clear
	writes *groupCommit
}

// OpenStore opens or creates the store file, checks every page of it, and
// refuses a damaged file with a *DamagedError instead of panicking later.
// A non-nil stateKey (32 bytes) encrypts saved state.
func OpenStore(path string, stateKey []byte) (*BoltStore, error) {
	seal, err := newSealer(stateKey)
	if err != nil {
		return nil, err
	}
	db, err := openBolt(path, false)
	if err != nil {
		return nil, err
	}
	if err := checkBolt(path, db); err != nil {
		db.Close()
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{sessionsBucket, stateBucket} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &BoltStore{db: db, seal: seal}
	s.writes = newGroupCommit(func(fn func(*bolt.Tx) error) error { return s.safely(db.Update, fn) })
	return s, nil
}

// Close commits the writes under way and closes the file.
func (s *BoltStore) Close() error {
	s.writes.close()
	return s.db.Close()
}

// Put writes a session, synced to disk before it returns.
func (s *BoltStore) Put(sess *Session) error {
	raw, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	return s.put(sessionsBucket, sess.ID, raw)
}

// PutState writes the state a session keeps outside Chromium, encrypted
// when the store has a state key.
func (s *BoltStore) PutState(id string, raw []byte) error {
	if s.seal != nil {
		var err error
		if raw, err = s.seal.seal(id, raw); err != nil {
			return err
		}
	}
	return s.put(stateBucket, id, raw)
}

// put writes one record, synced to disk before it returns; concurrent
// writes share a commit.
func (s *BoltStore) put(bucket []byte, id string, raw []byte) error {
	return s.writes.write(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).Put([]byte(id), raw)
	})
}

// State reads a session's saved state; nil when there is none. State
// written in clear before a key was set is still read.
func (s *BoltStore) State(id string) (raw []byte, err error) {
	err = s.safely(s.db.View, func(tx *bolt.Tx) error {
		if v := tx.Bucket(stateBucket).Get([]byte(id)); v != nil {
			raw = append([]byte(nil), v...)
		}
		return nil
	})
	if err != nil || !sealed(raw) {
		return raw, err
	}
	return s.seal.open(id, raw)
}

// Delete removes a session's record and state.
func (s *BoltStore) Delete(id string) error {
	return s.writes.write(func(tx *bolt.Tx) error {
		return errors.Join(tx.Bucket(sessionsBucket).Delete([]byte(id)), tx.Bucket(stateBucket).Delete([]byte(id)))
	})
}

// All reads every record. A record that does not decode is reported in
// broken, so one bad entry never stops the server.
func (s *BoltStore) All() (all []*Session, broken []string, err error) {
	err = s.safely(s.db.View, func(tx *bolt.Tx) error {
		return tx.Bucket(sessionsBucket).ForEach(func(k, v []byte) error {
			var sess Session
			if err := json.Unmarshal(v, &sess); err != nil || sess.ID != string(k) {
				slog.Error("session record is unreadable", "id", string(k), "err", err)
				broken = append(broken, string(k))
				return nil
			}
			all = append(all, &sess)
			return nil
		})
	})
	return all, broken, err
}

// safely runs a transaction; a panic inside bbolt, on a page damaged since
// the store was checked at open, becomes a *DamagedError instead of ending
// the server.
func (s *BoltStore) safely(run func(func(*bolt.Tx) error) error, fn func(*bolt.Tx) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &DamagedError{Path: s.db.Path(), Problems: []string{fmt.Sprint(v)}}
		}
	}()
	return run(fn)
}
