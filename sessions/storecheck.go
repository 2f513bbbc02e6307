package sessions

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DamagedError is a store file that bbolt cannot read safely: opening it
// or walking its pages failed or panicked. Problems lists what was found.
type DamagedError struct {
	Path     string
	Problems []string
}

func (e *DamagedError) Error() string {
	shown := e.Problems
	if len(shown) > 5 {
		shown = append(shown[:5:5], fmt.Sprintf("and %d more", len(e.Problems)-5))
	}
	return fmt.Sprintf("the session store %s is damaged (%s); "+
		"run `sessionql check --data-dir %s --repair` to copy every readable session to a new store and keep the damaged file aside, "+
		"or restore the file from a backup", e.Path, strings.Join(shown, "; "), filepath.Dir(e.Path))
}

// openBolt opens the file; a panic inside bbolt (a damaged meta or
// freelist page) becomes a *DamagedError, and the file is unlocked and
// closed, so that the failed open does not hold the lock (its memory
// mapping stays until the process ends).
func openBolt(path string, readOnly bool) (db *bolt.DB, err error) {
	var file *os.File
	openFile := func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	defer func() {
		if v := recover(); v != nil {
			if file != nil { // bbolt's mapping keeps the file, so unlock it first
				unlock(file)
				file.Close()
			}
			db, err = nil, &DamagedError{Path: path, Problems: []string{fmt.Sprint(v)}}
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, ReadOnly: readOnly, OpenFile: openFile})
	if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch) {
		return nil, &DamagedError{Path: path, Problems: []string{err.Error()}}
	}
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("the session store %s is in use by another process (a running server?); stop it first", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open session store %s: %w", path, err)
	}
	return db, nil
}

// checkBolt walks every page of the file (bbolt's own consistency check,
// which turns its panics into errors).
func checkBolt(path string, db *bolt.DB) error {
	var problems []string
	err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			problems = append(problems, strings.TrimPrefix(err.Error(), "panic: "))
		}
		return nil
	})
	if err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return &DamagedError{Path: path, Problems: problems}
	}
	return nil
}

// CheckStore reports whether the store file at path is whole; a damaged
// one gives a *DamagedError.
func CheckStore(path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := openBolt(path, true)
	if err != nil {
		return err
	}
	defer db.Close()
	return checkBolt(path, db)
}

// Repair is what RepairStore did.
type Repair struct {
	Aside            string // where the damaged file now is
	Sessions, States int    // records copied
}

// RepairStore copies every record it can read from the damaged store at
// path into a new file, then moves the damaged file aside (path +
// ".damaged-<time>") and puts the new one in its place. Records on damaged
// pages are lost; reading from both ends of each bucket saves those on
// either side of a damaged page.
func RepairStore(path string) (Repair, error) {
	old, err := openBolt(path, true)
	if err != nil {
		return Repair{}, fmt.Errorf("the store cannot be opened even to read (%w); restore it from a backup", err)
	}
	records := map[string]map[string][]byte{}
	for _, b := range [][]byte{sessionsBucket, stateBucket} {
		records[string(b)] = salvage(old, b)
	}
	old.Close()
	fresh := path + ".repaired"
	if err := writeRecords(fresh, records); err != nil {
		os.Remove(fresh)
		return Repair{}, err
	}
	r := Repair{Aside: path + ".damaged-" + time.Now().UTC().Format("20060102T150405Z"),
		Sessions: len(records[string(sessionsBucket)]), States: len(records[string(stateBucket)])}
	if err := os.Rename(path, r.Aside); err != nil {
		return Repair{}, err
	}
	return r, os.Rename(fresh, path)
}

// salvage reads every record of a bucket it can, forwards then backwards.
func salvage(db *bolt.DB, bucket []byte) map[string][]byte {
	out := map[string][]byte{}
	for _, backwards := range []bool{false, true} {
		func() {
			defer func() { recover() }() // a damaged page ends this direction
			db.View(func(tx *bolt.Tx) error {
				b := tx.Bucket(bucket)
				if b == nil {
					return nil
				}
				c := b.Cursor()
				first, next := c.First, c.Next
				if backwards {
					first, next = c.Last, c.Prev
				}
				for k, v := first(); k != nil; k, v = next() {
					out[string(k)] = append([]byte(nil), v...)
				}
				return nil
			})
		}()
	}
	return out
}

func writeRecords(path string, records map[string]map[string][]byte) error {
	os.Remove(path)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for name, kv := range records {
			b, err := tx.CreateBucketIfNotExists([]byte(name))
			if err != nil {
				return err
			}
			for k, v := range kv {
				if err := b.Put([]byte(k), v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return errors.Join(err, db.Close())
}
