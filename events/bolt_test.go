package events_test

import (
	"path/filepath"
	"testing"

	"github.com/sessionql/sessionql/events"
	"github.com/sessionql/sessionql/events/logtest"
	bolt "go.etcd.io/bbolt"
)

func TestBoltLog(t *testing.T) {
	logtest.Run(t, func(t *testing.T) events.Log {
		db, err := bolt.Open(filepath.Join(t.TempDir(), "events.db"), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		l, err := events.NewBoltLog(db)
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}
