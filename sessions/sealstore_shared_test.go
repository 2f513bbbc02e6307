package sessions_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/sessions"
	"github.com/sessionql/sessionql/sessions/pgstore"
)

// TestSealedPostgresKeepsListingAndLimit: with STATE_KEY, PostgreSQL is
// wrapped in SealStore; two servers on one database still list each
// other's sessions and count MAX_SESSIONS over the database, as they do
// without the key.
func TestSealedPostgresKeepsListingAndLimit(t *testing.T) {
	url := testutil.Running().PG.Database(t)
	key := bytes.Repeat([]byte{7}, 32)
	servers := make([]*sessions.Service, 2)
	for i := range servers {
		pg, err := pgstore.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		store, err := sessions.SealStore(pg, key)
		if err != nil {
			t.Fatal(err)
		}
		s, err := sessions.Open(sessions.Config{
			DataDir: filepath.Join(testutil.DataDir(t), "data"), ChromePath: testutil.ChromePath(t), MaxBrowsers: 1, MaxSessions: 1,
			IdleTimeout: time.Minute, Queue: 1, QueueTimeout: time.Second, MaxTTL: time.Hour, Store: store,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		servers[i] = s
	}
	first, err := servers[0].Create(sessions.Options{}, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	views, _, err := servers[1].List(sessions.Filter{Limit: 10})
	if err != nil || len(views) != 1 || views[0].Session.ID != first.ID {
		t.Errorf("the other server lists %+v (%v); want the session created on the first", views, err)
	}
	if _, err := servers[1].Create(sessions.Options{}, time.Hour, nil); sessionql.ErrorCode(err) != sessionql.CodeTooManyRequests {
		t.Errorf("a second session on the other server with MAX_SESSIONS 1: %v; want too_many_requests", err)
	}
}
