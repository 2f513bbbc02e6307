package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/sessions"
)

func open(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestServersMigrateAtOnce starts four servers on an empty database at
// the same moment: every one opens, and each version is applied once.
func TestServersMigrateAtOnce(t *testing.T) {
	url := testutil.Running().PG.Database(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := Open(context.Background(), url)
			if err == nil {
				s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	s := open(t, url)
	var applied, newest int
	if err := s.pool.QueryRow(context.Background(), `SELECT count(*), max(version) FROM sessionql_migrations`).Scan(&applied, &newest); err != nil {
		t.Fatal(err)
	}
	if applied != len(migrations) || newest != len(migrations) {
		t.Errorf("%d versions applied, newest %d; want %d", applied, newest, len(migrations))
	}
}

// TestNewerSchemaRefused opens a database that a newer server migrated:
// refused, saying so, instead of writing records it does not understand.
func TestNewerSchemaRefused(t *testing.T) {
	url := testutil.Running().PG.Database(t)
	s := open(t, url)
	if _, err := s.pool.Exec(context.Background(), `INSERT INTO sessionql_migrations (version) VALUES (999)`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), url); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("open of a newer schema: %v", err)
	}
}

// TestRecordsAndState writes, reads and deletes records and state; the
// metadata comes back byte for byte.
func TestRecordsAndState(t *testing.T) {
	s := open(t, testutil.Running().PG.Database(t))
	now := time.Now()
	sess := &sessions.Session{ID: "a", CreatedAt: now, ExpiresAt: now.Add(time.Hour), TTL: time.Hour, UserMetadata: json.RawMessage(`{"b": 1,  "a":[2]}`)}
	if err := s.Put(sess); err != nil {
		t.Fatal(err)
	}
	if err := s.PutState("a", []byte(`{"cookies":[]}`)); err != nil {
		t.Fatal(err)
	}
	all, broken, err := s.All()
	if err != nil || len(broken) != 0 || len(all) != 1 || string(all[0].UserMetadata) != `{"b":1,"a":[2]}` || !all[0].CreatedAt.Equal(now) {
		t.Fatalf("All: %+v %v %v", all, broken, err)
	}
	if raw, err := s.State("a"); string(raw) != `{"cookies":[]}` || err != nil {
		t.Errorf("State: %s %v", raw, err)
	}
	if raw, err := s.State("none"); raw != nil || err != nil {
		t.Errorf("State of none: %s %v", raw, err)
	}
	if err := s.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if all, _, _ := s.All(); len(all) != 0 {
		t.Errorf("after Delete: %d records", len(all))
	}
	if raw, _ := s.State("a"); raw != nil {
		t.Errorf("after Delete the state is %s", raw)
	}
}

// TestPutNewCountsInTheDatabase creates from many goroutines, as several
// servers would, against a limit: exactly the limit is stored.
func TestPutNewCountsInTheDatabase(t *testing.T) {
	s := open(t, testutil.Running().PG.Database(t))
	var wg sync.WaitGroup
	var mu sync.Mutex
	stored := 0
	for i := range 20 {
		wg.Go(func() {
			now := time.Now()
			ok, err := s.PutNew(&sessions.Session{ID: fmt.Sprint(i), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, 7)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				stored++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if all, _, _ := s.All(); stored != 7 || len(all) != 7 {
		t.Errorf("stored %d, %d records; want 7", stored, len(all))
	}
}

// TestListInTheDatabase pages, filters by status and metadata, and leaves
// out expired sessions, in SQL.
func TestListInTheDatabase(t *testing.T) {
	s := open(t, testutil.Running().PG.Database(t))
	base := time.Now()
	var newestFirst []string
	for i := range 9 {
		meta := `{"order":{"status":"open"}}`
		if i%3 == 0 {
			meta = `{"order":{"status":"shipped"},"n":` + fmt.Sprint(i) + `}`
		}
		id := fmt.Sprintf("s%d", i)
		at := base.Add(time.Duration(i) * time.Millisecond)
		if err := s.Put(&sessions.Session{ID: id, CreatedAt: at, ExpiresAt: base.Add(time.Hour), UserMetadata: json.RawMessage(meta)}); err != nil {
			t.Fatal(err)
		}
		newestFirst = append([]string{id}, newestFirst...)
	}
	s.Put(&sessions.Session{ID: "expired", CreatedAt: base, ExpiresAt: base.Add(-time.Second)})
	ids := func(q sessions.ListQuery) []string {
		q.Now = base
		found, err := s.List(q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range found {
			out = append(out, f.ID)
		}
		return out
	}
	var walked []string
	var after *sessions.Session
	for {
		page := ids(sessions.ListQuery{Limit: 4, After: after})
		walked = append(walked, page...)
		if len(page) < 4 {
			break
		}
		after = &sessions.Session{ID: page[3], CreatedAt: base.Add(time.Duration(page[3][1]-'0') * time.Millisecond)}
	}
	if fmt.Sprint(walked) != fmt.Sprint(newestFirst) {
		t.Errorf("paging walked %v, want %v", walked, newestFirst)
	}
	shipped := &sessions.MetadataQuery{Path: []string{"order", "status"}, Value: "shipped"}
	for _, c := range []struct {
		q    sessions.ListQuery
		want string
	}{
		{sessions.ListQuery{Query: shipped}, "[s6 s3 s0]"},
		{sessions.ListQuery{Query: &sessions.MetadataQuery{Path: []string{"order"}, Value: "shipped"}}, "[]"}, // an object, not a string
		{sessions.ListQuery{Query: &sessions.MetadataQuery{Path: []string{"n"}, Value: "3"}}, "[]"},           // a number, not a string
		{sessions.ListQuery{Status: sessions.Live, Live: []string{"s1", "s3"}}, "[s3 s1]"},
		{sessions.ListQuery{Status: sessions.Hibernated, Live: []string{"s1", "s3"}, Query: shipped}, "[s6 s0]"},
		{sessions.ListQuery{Status: sessions.Hibernated, Query: shipped}, "[s6 s3 s0]"},
		{sessions.ListQuery{Status: sessions.Live}, "[]"},
	} {
		c.q.Limit = 50
		if got := fmt.Sprint(ids(c.q)); got != c.want {
			t.Errorf("%+v: %s, want %s", c.q, got, c.want)
		}
	}
}

// TestDatabaseDownAndBack stops PostgreSQL under an open store: writes
// fail (the Service answers store_unavailable), and once it is back the
// same store works again without being reopened.
func TestDatabaseDownAndBack(t *testing.T) {
	s := open(t, testutil.Running().PG.Database(t))
	now := time.Now()
	sess := &sessions.Session{ID: "a", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	up := testutil.Running().PGDown(t)
	if err := s.Put(sess); err == nil {
		t.Fatal("a write with the database down succeeded")
	}
	up()
	if err := s.Put(sess); err != nil {
		t.Fatalf("after the database came back: %v", err)
	}
	if all, _, err := s.All(); err != nil || len(all) != 1 {
		t.Errorf("after the database came back: %d records, %v", len(all), err)
	}
}
