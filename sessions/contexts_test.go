package sessions

import (
	"context"
	"errors"
	"testing"
	"time"

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
