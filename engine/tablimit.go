package engine

import (
	"encoding/json"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// DefaultMaxTabs is MAX_TABS when none is set: pages one session's browser
// may have open at once.
const DefaultMaxTabs = 32

// tabLimit is the engine's own client that keeps a browser within its
// number of tabs: it watches page targets (discovery, which pages cannot
// see) and closes each page opened past the limit, such as the two hundredth
// window.open of a runaway script.
type tabLimit struct {
	client  *cdpmux.Client
	max     int
	session string // the profile's name, which is the session's id
	closed  atomic.Int64

	mu       sync.Mutex
	pages    map[string]bool // open page targets
	guard    string          // the guard tab, which is not counted; see guard.go
	guarding bool            // the guard is opening: a page is admitted past the limit, and set apart once known
}

// startTabLimit connects the client and turns discovery on; its loop ends
// when the browser does.
func (b *Browser) startTabLimit(opts LaunchOptions) error {
	ctx, cancel := opts.readyContext()
	defer cancel()
	max := opts.MaxTabs
	if max <= 0 {
		max = DefaultMaxTabs
	}
	c, err := b.mux.Connect(ctx, nil, cdpmux.AsEngine)
	if err != nil {
		return err
	}
	b.tabs = &tabLimit{client: c, max: max, session: filepath.Base(opts.ProfileDir), pages: map[string]bool{}}
	b.loops.Go(b.tabs.run)
	_, err = c.Call(ctx, cdpmux.Message{SessionID: c.Session(), Method: "Target.setDiscoverTargets", Params: json.RawMessage(`{"discover":true}`)})
	return err
}

func (t *tabLimit) run() {
	for {
		select {
		case env := <-t.client.Messages():
			t.handle(env)
		case <-t.client.Done():
			return
		}
	}
}

// targetEvent is what Target.targetCreated and targetDestroyed say.
type targetEvent struct {
	TargetID   string `json:"targetId"`
	TargetInfo struct {
		TargetID string `json:"targetId"`
		Type     string `json:"type"`
	} `json:"targetInfo"`
}

func (t *tabLimit) handle(env cdpmux.Message) {
	var ev targetEvent
	if json.Unmarshal(env.Params, &ev) != nil {
		return
	}
	switch env.Method {
	case "Target.targetCreated":
		if ev.TargetInfo.Type != "page" {
			return
		}
		if !t.admit(ev.TargetInfo.TargetID) {
			t.close(ev.TargetInfo.TargetID)
		}
	case "Target.targetDestroyed":
		t.mu.Lock()
		delete(t.pages, ev.TargetID)
		t.mu.Unlock()
	}
}

// admit counts a new page; false when it is one too many. The guard is
// not counted; while it opens, before its id is known, no page is refused
// (no client is connected then, and the engine opens nothing else).
func (t *tabLimit) admit(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id == t.guard {
		return true
	}
	if len(t.pages) >= t.max && !t.guarding {
		return false
	}
	t.pages[id] = true
	return true
}

// openingGuard and guardOpened bracket the guard's opening; id is empty
// when it failed.
func (t *tabLimit) openingGuard() {
	t.mu.Lock()
	t.guarding = true
	t.mu.Unlock()
}

func (t *tabLimit) guardOpened(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.guarding = false
	t.guard = id
	delete(t.pages, id)
}

// close closes a page opened past the limit, without waiting for the
// reply: the loop must keep reading.
func (t *tabLimit) close(id string) {
	if n := t.closed.Add(1); n == 1 || n%100 == 0 {
		slog.Warn("a session opened more tabs than MAX_TABS allows; the newest was closed", "session", t.session, "max", t.max, "closed", n)
	}
	params, _ := json.Marshal(map[string]string{"targetId": id})
	t.client.Post(cdpmux.Message{Method: "Target.closeTarget", Params: params})
}

// TabsClosed is how many pages the browser closed for going past MAX_TABS.
func (b *Browser) TabsClosed() int64 {
	if b.tabs == nil {
		return 0
	}
	return b.tabs.closed.Load()
}
