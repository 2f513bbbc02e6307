package events_test

import (
	"path/filepath"
	"testing"

	"github.com/sessionql/sessionql/events"
	"github.com/sessionql/sessionql/events/logtest"
	bolt "go.etcd.io/bbolt"
)

func TestBoltLog(t *testing.T) {
	logtest.Run(t, boltLog(events.NewBoltLog))
}

func TestBoltRecordingLog(t *testing.T) {
	logtest.RunKeepFirst(t, boltLog(events.NewBoltRecordingLog))
}

// boltLog opens a log in a bbolt file of the test's own.
func boltLog(newLog func(*bolt.DB) (*events.BoltLog, error)) func(t *testing.T) events.Log {
	return func(t *testing.T) events.Log {
		db, err := bolt.Open(filepath.Join(t.TempDir(), "events.db"), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		l, err := newLog(db)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
}
