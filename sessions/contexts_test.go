package sessions

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/internal/testutil"
)

// TestContextCarriesTheWholeProfile saves a persist session to its
// context at stop and starts another from it, on each store back end (a
// local copy, and a packed copy in S3): cookies, localStorage,
// sessionStorage and IndexedDB, which only the profile holds, are there.
// Deleting the context deletes its copy.
func TestContextCarriesTheWholeProfile(t *testing.T) {
	eachBackend(t, func(t *testing.T, b Backend) {
		pages := testutil.ServePages(t)
		cfg := b.Open(t)(testConfig(t))
		s := open(t, cfg)
		c, err := s.CreateContext("kept")
		if err != nil {
			t.Fatal(err)
		}
		opts := Options{Headless: true, Browser: "chromium", Viewport: Viewport{Width: 800, Height: 600}, Context: &ContextRef{ID: c.ID, Persist: true}}
		first, err := s.Create(opts, time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		run(t, s, first.ID, func(p *engine.Page) {
			gotoPage(t, p, pages.URL+"/click.html")
			eval(t, p, writeAll)
			eval(t, p, writeDBValue("deep"))
		})
		if err := s.Stop(first.ID); err != nil {
			t.Fatal(err)
		}
		saved, err := s.GetContext(c.ID)
		if err != nil || saved.Version != 1 || saved.Profile == "" {
			t.Fatalf("the context after the stop: %+v, %v", saved, err)
		}
		opts.Context.Persist = false
		second, err := s.Create(opts, time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		run(t, s, second.ID, func(p *engine.Page) {
			gotoPage(t, p, pages.URL+"/click.html")
			if got := eval(t, p, readAll); got != allWritten {
				t.Errorf("a session from the context: %s, want %s", got, allWritten)
			}
			if got := eval(t, p, readDB); got != "deep" {
				t.Errorf("IndexedDB in a session from the context: %s, want deep", got)
			}
		})
		if err := s.DeleteContext(c.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.contexts.profiles.Load(context.Background(), saved.Profile, t.TempDir()+"/p"); !errors.Is(err, ErrProfileLost) {
			t.Errorf("the context's copy after delete: %v, want it gone", err)
		}
	})
}

// TestSharedContextsSeenByEveryServer runs two servers on one PostgreSQL
// and one S3 prefix: a context created and filled on A is seen by B (get,
// list, a session started from it), and deleted on B it is gone on A,
// record and copy.
func TestSharedContextsSeenByEveryServer(t *testing.T) {
	eachShared(t, func(t *testing.T, stores func(Config) Config) {
		pages := testutil.ServePages(t)
		a := open(t, stores(testConfig(t)))
		c, err := a.CreateContext("shared")
		if err != nil {
			t.Fatal(err)
		}
		opts := Options{Headless: true, Browser: "chromium", Viewport: Viewport{Width: 800, Height: 600}, Context: &ContextRef{ID: c.ID, Persist: true}}
		first, err := a.Create(opts, time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		run(t, a, first.ID, func(p *engine.Page) {
			gotoPage(t, p, pages.URL+"/click.html")
			eval(t, p, writeAll)
		})
		if err := a.Stop(first.ID); err != nil {
			t.Fatal(err)
		}

		b := open(t, stores(testConfig(t)))
		saved, err := b.GetContext(c.ID)
		if err != nil || saved.Version != 1 || saved.Name != "shared" {
			t.Fatalf("B gets the context A saved to: %+v, %v", saved, err)
		}
		if list, err := b.ListContexts("shared"); err != nil || len(list) != 1 || list[0].ID != c.ID {
			t.Fatalf("B lists %+v, %v; want the context A created", list, err)
		}
		opts.Context.Persist = false
		second, err := b.Create(opts, time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		run(t, b, second.ID, func(p *engine.Page) {
			gotoPage(t, p, pages.URL+"/click.html")
			if got := eval(t, p, readAll); got != allWritten {
				t.Errorf("a session on B from the context: %s, want %s", got, allWritten)
			}
		})
		if err := b.Stop(second.ID); err != nil {
			t.Fatal(err)
		}
		if err := b.DeleteContext(c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.GetContext(c.ID); sessionql.ErrorCode(err) != sessionql.CodeContextNotFound {
			t.Errorf("A gets the context B deleted: %v", err)
		}
		if list, err := a.ListContexts(""); err != nil || len(list) != 0 {
			t.Errorf("A lists %+v, %v after B deleted it", list, err)
		}
		if err := a.contexts.profiles.Load(context.Background(), saved.Profile, t.TempDir()+"/p"); !errors.Is(err, ErrProfileLost) {
			t.Errorf("the context's copy after B deleted it: %v, want it gone", err)
		}
	})
}

// memRecords is a shared profile store that keeps context records in
// memory and copies as localCopies do.
type memRecords struct {
	localCopies
	mu sync.Mutex
	m  map[string][]byte
}

func (m *memRecords) PutRecord(_ context.Context, id string, raw []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[id] = raw
	return nil
}

func (m *memRecords) Record(_ context.Context, id string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if raw, ok := m.m[id]; ok {
		return raw, nil
	}
	return nil, fs.ErrNotExist
}

func (m *memRecords) DeleteRecord(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, id)
	return nil
}

func (m *memRecords) RecordIDs(context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Collect(maps.Keys(m.m)), nil
}

// TestContextRecordsMoveIntoTheProfileStore: a server that kept its
// context records in its data dir, restarted with a shared profile store,
// moves them there, where another server sees them.
func TestContextRecordsMoveIntoTheProfileStore(t *testing.T) {
	cfg := testConfig(t)
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateContext("old")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	shared := &memRecords{localCopies: localCopies{root: t.TempDir()}, m: map[string][]byte{}}
	cfg.Profiles = shared
	s = open(t, cfg)
	if got, err := s.GetContext(c.ID); err != nil || got.Name != "old" {
		t.Fatalf("the context after the restart: %+v, %v", got, err)
	}
	if left, _ := filepath.Glob(filepath.Join(cfg.DataDir, "contexts", "records", "*")); len(left) != 0 {
		t.Errorf("records left in the data dir: %v", left)
	}
	other := testConfig(t)
	other.Profiles = shared
	if list, err := open(t, other).ListContexts(""); err != nil || len(list) != 1 || list[0].ID != c.ID {
		t.Errorf("another server lists %+v, %v", list, err)
	}
}
