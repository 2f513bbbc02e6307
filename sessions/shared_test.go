package sessions

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/internal/testutil"
)

// writeDB stores a value in IndexedDB, which only the profile keeps: the
// checkpoint holds cookies and storage, not databases.
const writeDB = `
const db = await new Promise((ok, no) => { const r = indexedDB.open('kept', 1); r.onupgradeneeded = () => r.result.createObjectStore('s'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
await new Promise((ok, no) => { const tx = db.transaction('s', 'readwrite'); tx.objectStore('s').put(%q, 'k'); tx.oncomplete = ok; tx.onerror = () => no(tx.error); });
db.close(); return 'ok';`

// readDB reads what writeDB stored; "undefined" when there is nothing.
const readDB = `
const db = await new Promise((ok, no) => { const r = indexedDB.open('kept', 1); r.onupgradeneeded = () => r.result.createObjectStore('s'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
const v = await new Promise((ok, no) => { const r = db.transaction('s').objectStore('s').get('k'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
db.close(); return String(v);`

func writeDBValue(v string) string { return strings.Replace(writeDB, "%q", "'"+v+"'", 1) }

// eachShared runs test on the back ends whose records and profiles live
// outside the data dir.
func eachShared(t *testing.T, test func(t *testing.T, stores func(Config) Config)) {
	for _, b := range Backends {
		if b.Shared {
			t.Run(b.Name, func(t *testing.T) { test(t, b.Open(t)) })
		}
	}
}

// hibernateNow hibernates a live session's browser and returns the key of
// the profile copy its record points at.
func hibernateNow(t *testing.T, s *Service, id string) string {
	t.Helper()
	e, err := s.entry(id)
	if err != nil || !s.hibernate(e, false) {
		t.Fatalf("could not hibernate %s: %v", id, err)
	}
	sess, _, _ := s.Get(id)
	return sess.Profile
}

// TestSharedRestartOnEmptyDataDir closes a server and opens another on the
// same database and bucket but an empty data dir: cookies, localStorage,
// sessionStorage and IndexedDB are back, the last from the profile in S3.
// Stopping the session then deletes its record and its profile copies.
func TestSharedRestartOnEmptyDataDir(t *testing.T) {
	eachShared(t, func(t *testing.T, stores func(Config) Config) {
		pages := testutil.ServePages(t)
		s := open(t, stores(testConfig(t)))
		sess := create(t, s)
		run(t, s, sess.ID, func(p *engine.Page) {
			gotoPage(t, p, pages.URL+"/click.html")
			eval(t, p, writeAll)
			eval(t, p, writeDBValue("deep"))
		})
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		cfg := stores(testConfig(t))
		s = open(t, cfg)
		kept, _, err := s.Get(sess.ID)
		if err != nil || kept.Profile == "" {
			t.Fatalf("after restart: %+v, %v", kept, err)
		}
		run(t, s, sess.ID, func(p *engine.Page) {
			gotoPage(t, p, pages.URL+"/click.html")
			if got := eval(t, p, readAll); got != allWritten {
				t.Errorf("after restart on an empty data dir: %s, want %s", got, allWritten)
			}
			if got := eval(t, p, readDB); got != "deep" {
				t.Errorf("IndexedDB after restart on an empty data dir: %s, want deep", got)
			}
		})
		if err := s.Stop(sess.ID); err != nil {
			t.Fatal(err)
		}
		if all, _, _ := s.store.All(); len(all) != 0 {
			t.Errorf("records left after stop: %d", len(all))
		}
		if err := cfg.Profiles.Load(context.Background(), kept.Profile, t.TempDir()+"/p"); !errors.Is(err, ErrProfileLost) {
			t.Errorf("the profile copy after stop: %v, want it gone", err)
		}
	})
}

// TestSharedDatabaseDown stops PostgreSQL while a server runs: creates and
// checkpoints answer store_unavailable (nothing is acknowledged), the live
// browser keeps working, and once the database is back the same server
// works again by itself.
func TestSharedDatabaseDown(t *testing.T) {
	eachShared(t, func(t *testing.T, stores func(Config) Config) {
		pages := testutil.ServePages(t)
		s := open(t, stores(testConfig(t)))
		sess := create(t, s)
		run(t, s, sess.ID, func(p *engine.Page) { gotoPage(t, p, pages.URL+"/click.html") })
		up := testutil.Running().PGDown(t)
		_, err := s.Create(Options{}, time.Hour, nil)
		wantCode(t, err, sessionql.CodeStoreUnavailable)
		wantCode(t, s.Ready(), sessionql.CodeStoreUnavailable)
		_, _, err = s.List(Filter{Limit: 10})
		wantCode(t, err, sessionql.CodeStoreUnavailable)
		page, release, err := s.Acquire(context.Background(), sess.ID)
		if err != nil {
			t.Fatalf("the live browser with the database down: %v", err)
		}
		eval(t, page, `localStorage.setItem('while', 'down'); return 'ok'`)
		wantCode(t, release(), sessionql.CodeStoreUnavailable)
		up()
		create(t, s)
		if err := s.Ready(); err != nil {
			t.Errorf("ready after the database came back: %v", err)
		}
		page, release, err = s.Acquire(context.Background(), sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		eval(t, page, `localStorage.setItem('while', 'up'); return 'ok'`)
		if err := release(); err != nil {
			t.Errorf("a checkpoint after the database came back: %v", err)
		}
	})
}

// TestSharedS3DownDuringHibernation stops the S3 server before a
// hibernation: the upload fails, the record keeps pointing at the previous
// copy; on a server started on an empty data dir, a wake that needs the
// bucket while it is down answers store_unavailable while another session
// works, and once S3 is back the previous copy wakes, with the
// localStorage of the last request: the store kept it, as the profile
// that held it was not kept.
func TestSharedS3DownDuringHibernation(t *testing.T) {
	eachShared(t, func(t *testing.T, stores func(Config) Config) {
		pages := testutil.ServePages(t)
		s := open(t, stores(testConfig(t)))
		sess, other := create(t, s), create(t, s)
		run(t, s, sess.ID, func(p *engine.Page) {
			gotoPage(t, p, pages.URL+"/click.html")
			eval(t, p, writeDBValue("one"))
			eval(t, p, "localStorage.v = 'one'")
		})
		first := hibernateNow(t, s, sess.ID)
		run(t, s, sess.ID, func(p *engine.Page) {
			gotoPage(t, p, pages.URL+"/click.html")
			eval(t, p, writeDBValue("two"))
			eval(t, p, "localStorage.v = 'two'")
		})
		up := testutil.Running().S3Down(t)
		if key := hibernateNow(t, s, sess.ID); key != first {
			t.Errorf("after a failed upload the record points at %q, want the previous %q", key, first)
		}
		s.Close()
		up() // a server refuses to start without its bucket
		s = open(t, stores(testConfig(t)))
		up = testutil.Running().S3Down(t)
		_, _, err := s.Acquire(context.Background(), sess.ID)
		wantCode(t, err, sessionql.CodeStoreUnavailable)
		run(t, s, other.ID, func(p *engine.Page) { eval(t, p, "1") })
		up()
		run(t, s, sess.ID, func(p *engine.Page) {
			gotoPage(t, p, pages.URL+"/click.html")
			if got := eval(t, p, readDB); got != "one" {
				t.Errorf("IndexedDB from the previous copy: %s, want one", got)
			}
			if got := eval(t, p, "localStorage.v"); got != "two" {
				t.Errorf("localStorage after a hibernation whose profile was not kept: %s, want two", got)
			}
		})
	})
}

// TestSharedProfileLostOrDamaged deletes one session's profile object
// behind the server's back and replaces another's with garbage: each of
// them answers a clear error, the others work, and both can be stopped.
func TestSharedProfileLostOrDamaged(t *testing.T) {
	eachShared(t, func(t *testing.T, stores func(Config) Config) {
		s := open(t, stores(testConfig(t)))
		gone, damaged, fine := create(t, s), create(t, s), create(t, s)
		keys := map[string]string{}
		for _, sess := range []*Session{gone, damaged} {
			run(t, s, sess.ID, func(p *engine.Page) { eval(t, p, "1") })
			keys[sess.ID] = hibernateNow(t, s, sess.ID)
		}
		ctx, client := context.Background(), testutil.Running().S3.Client()
		if err := client.RemoveObject(ctx, testutil.S3Bucket, keys[gone.ID], minio.RemoveObjectOptions{}); err != nil {
			t.Fatal(err)
		}
		garbage := []byte("not a profile at all")
		if _, err := client.PutObject(ctx, testutil.S3Bucket, keys[damaged.ID], bytes.NewReader(garbage), int64(len(garbage)), minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s = open(t, stores(testConfig(t)))
		for id, want := range map[string]string{gone.ID: "is gone", damaged.ID: "not a profile archive"} {
			_, _, err := s.Acquire(ctx, id)
			wantCode(t, err, sessionql.CodeBrowserUnavailable)
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "stop the session") {
				t.Errorf("waking %s: %v, want it to say %q and what to do", id, err, want)
			}
		}
		run(t, s, fine.ID, func(p *engine.Page) { eval(t, p, "1") })
		create(t, s)
		for _, id := range []string{gone.ID, damaged.ID} {
			if err := s.Stop(id); err != nil {
				t.Errorf("stop %s: %v", id, err)
			}
		}
	})
}
