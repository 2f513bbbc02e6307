package sessions

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucket = []byte("sessions")

// Store keeps session records on disk in one bbolt file, so sessions outlive
// server restarts. It is the durable copy; the Service keeps them in memory.
type Store struct{ db *bolt.DB }

// OpenStore opens or creates the store file.
func OpenStore(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open session store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
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
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).Put([]byte(sess.ID), raw)
	})
}

// Delete removes a session record.
func (s *Store) Delete(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).Delete([]byte(id))
	})
}

// All reads every record. A record that does not decode is reported in
// broken, so one bad entry never stops the server.
func (s *Store) All() (all []*Session, broken []string, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(k, v []byte) error {
			var sess Session
			if err := json.Unmarshal(v, &sess); err != nil || sess.ID != string(k) {
				slog.Error("session record is unreadable", "id", string(k), "err", errors.Join(err))
				broken = append(broken, string(k))
				return nil
			}
			all = append(all, &sess)
			return nil
		})
	})
	return all, broken, err
}
