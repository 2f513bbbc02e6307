package sessions

import (
	"strings"
	"testing"

	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/internal/testutil"
)

// TestReadOnlyRequestSkipsCheckpoint: a request marked read-only after a
// complete checkpoint stores nothing; any other request still saves, and
// so does a read-only one while the last checkpoint was incomplete.
func TestReadOnlyRequestSkipsCheckpoint(t *testing.T) {
	pages := testutil.ServePages(t)
	s := open(t, testConfig(t))
	id := create(t, s).ID
	stored := func() string { raw, _ := s.store.State(id); return string(raw) }
	run(t, s, id, func(p *engine.Page) { gotoPage(t, p, pages.URL+"/click.html") })
	if e, _ := s.entry(id); !e.savedAll() {
		t.Fatal("the first request's checkpoint is not complete")
	}
	// The page's own code writes after the checkpoint; a read-only request
	// does not save it.
	run(t, s, id, func(p *engine.Page) {
		eval(t, p, `localStorage.setItem('own', 'timer'); 1`)
		p.MarkReadOnly()
	})
	if strings.Contains(stored(), `"own"`) {
		t.Errorf("a read-only request saved the state: %s", stored())
	}
	// A request that may change state saves it.
	run(t, s, id, func(p *engine.Page) {})
	if !strings.Contains(stored(), `"own":"timer"`) {
		t.Errorf("a request with state-changing steps did not save: %s", stored())
	}
	// After an incomplete checkpoint, read-only requests save too.
	e, _ := s.entry(id)
	e.saving.Lock()
	e.saved.all = false
	e.saving.Unlock()
	run(t, s, id, func(p *engine.Page) {
		eval(t, p, `localStorage.setItem('own', 'again'); 1`)
		p.MarkReadOnly()
	})
	if !strings.Contains(stored(), `"own":"again"`) {
		t.Errorf("a read-only request after an incomplete checkpoint did not save: %s", stored())
	}
}
