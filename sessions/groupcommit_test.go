package sessions

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sessionql/sessionql/events"
	bolt "go.etcd.io/bbolt"
)

// TestGroupCommit holds a commit while more writes arrive: they then share
// the next commit, each is in the file when it returns, and a write that
// fails fails alone while the others of its commit are kept.
func TestGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions.db")
	s, err := OpenStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	commits := 0
	held, release := make(chan struct{}), make(chan struct{})
	inner := s.writes.update
	s.writes.update = func(fn func(*bolt.Tx) error) error {
		commits++ // only the writer goroutine commits
		if commits == 1 {
			close(held)
			<-release
		}
		return inner(fn)
	}
	// round writes n records while a first write is held, with write bad
	// (if >= 0) refused, and reports how many commits it took.
	round := func(prefix string, n, bad int) int {
		commits = 0
		held, release = make(chan struct{}), make(chan struct{})
		var first sync.WaitGroup
		first.Go(func() {
			if err := s.put(sessionsBucket, prefix+"first", []byte("{}")); err != nil {
				t.Error(err)
			}
		})
		<-held
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				var err error
				if i == bad {
					err = s.writes.write(func(*bolt.Tx) error { return errors.New("refused") })
				} else {
					err = s.put(sessionsBucket, fmt.Sprint(prefix, i), []byte("{}"))
				}
				if (i == bad) != (err != nil) {
					t.Errorf("write %d: %v", i, err)
				}
			})
		}
		for len(s.writes.writes) < n {
			time.Sleep(time.Millisecond)
		}
		close(release)
		first.Wait()
		wg.Wait()
		return commits
	}
	if got := round("a", 100, -1); got != 2 {
		t.Errorf("100 writes queued behind a commit took %d commits, want them in one (2 in all)", got)
	}
	if got := round("b", 10, 3); got != 2+10 {
		t.Errorf("10 writes queued behind a commit, one refused, took %d commits, want 2 + 10 (each retried alone)", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.put(sessionsBucket, "late", nil); err == nil {
		t.Error("a write after Close succeeded")
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if got, want := tx.Bucket(sessionsBucket).Stats().KeyN, 1+100+1+9; got != want {
			t.Errorf("%d records in the file, want %d", got, want)
		}
		return nil
	})
}

// TestEventsShareTheGroupCommit: the event log in the store's file writes
// through the store's group commit, so that a flush of events waits for
// the commit under way and joins the next one instead of taking its own
// turn at the file's one writer.
func TestEventsShareTheGroupCommit(t *testing.T) {
	s, err := OpenStore(filepath.Join(t.TempDir(), "sessions.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := openRecorder(s, Config{}, nil, events.NewBoltLog, "events.db", 0)
	if err != nil {
		t.Fatal(err)
	}
	held, release := make(chan struct{}), make(chan struct{})
	inner, commits := s.writes.update, 0
	s.writes.update = func(fn func(*bolt.Tx) error) error {
		commits++
		if commits == 1 {
			close(held)
			<-release
		}
		return inner(fn)
	}
	var first sync.WaitGroup
	first.Go(func() {
		if err := s.put(sessionsBucket, "a", []byte("{}")); err != nil {
			t.Error(err)
		}
	})
	<-held
	rec.Record("a", "created", nil)
	for deadline := time.Now().Add(10 * time.Second); len(s.writes.writes) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("the events' flush did not queue behind the held commit")
		}
	}
	close(release)
	first.Wait()
	if page, err := rec.Read("a", events.Query{}); err != nil || len(page.Events) != 1 {
		t.Errorf("events of a after the flush: %v, %v; want the one recorded", page.Events, err)
	}
	rec.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
