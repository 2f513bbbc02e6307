package sessions

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	sessionsBucket = []byte("sessions")
	stateBucket    = []byte("state")
)

// Store keeps session records, and the state each session keeps outside
// Chromium, on disk in one bbolt file, so sessions outlive server restarts.
// It is the durable copy; the Service keeps records in memory.
type Store struct{ db *bolt.DB }

// OpenStore opens or creates the store file.
func OpenStore(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open session store %s: %w", path, err)
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
	return &Store{db: db}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// Put writes a session, synced to disk before it returns.
func (s *Store) Put(sess *Session) error {
	raw, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	return s.put(sessionsBucket, sess.ID, raw)
}

// PutState writes the state a session keeps outside Chromium.
func (s *Store) PutState(id string, raw []byte) error { return s.put(stateBucket, id, raw) }

func (s *Store) put(bucket []byte, id string, raw []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).Put([]byte(id), raw)
	})
}

// State reads a session's saved state; nil when there is none.
func (s *Store) State(id string) (raw []byte, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(stateBucket).Get([]byte(id)); v != nil {
			raw = append([]byte(nil), v...)
		}
		return nil
	})
	return raw, err
}

// Delete removes a session's record and state.
func (s *Store) Delete(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return errors.Join(tx.Bucket(sessionsBucket).Delete([]byte(id)), tx.Bucket(stateBucket).Delete([]byte(id)))
	})
}

// All reads every record. A record that does not decode is reported in
// broken, so one bad entry never stops the server.
func (s *Store) All() (all []*Session, broken []string, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
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
