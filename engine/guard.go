package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/chromedp/cdproto/target"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// The guard is a blank background tab that a headed browser opens beside
// the engine's first tab and that no client sees. A headed Chromium quits
// when its last window closes, so a CDP client that closed every tab (a
// window.close() or Page.close counts too) would end the browser and, with
// it, the session cookies that only the live jar holds. With the guard
// open, the profile always has a window. A headless browser stays up
// without windows and needs no guard; the session cookies are kept by the
// profile's preference (see profile.go). Users' clients never learn of
// the guard (see guardHider), and the engine's own lists of tabs (Tabs,
// the recorder, the tab limit) leave it out.

// OpenGuard opens the guard tab, in the background of the window of the
// engine's first tab (a tab costs a browser far less than a window of its
// own: about 9 against 43 MiB, measured); it runs once that first tab is
// open, before any client connects, and does nothing the second time. Its
// tab target (what Puppeteer attaches to first) is the one tab that was not
// there before.
func (b *Browser) OpenGuard(ctx context.Context) error {
	if b.guard != "" {
		return nil
	}
	if b.tabs != nil {
		b.tabs.openingGuard()
		defer func() { b.tabs.guardOpened(b.guard) }()
	}
	before, err := b.tabTargets(ctx)
	if err != nil {
		return err
	}
	raw, err := b.mux.Call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank", "background": true})
	if err != nil {
		return err
	}
	var created struct {
		TargetID string `json:"targetId"`
	}
	if err := json.Unmarshal(raw, &created); err != nil {
		return err
	}
	after, err := b.tabTargets(ctx)
	if err != nil {
		return err
	}
	var tabs []string
	for id := range after {
		if !before[id] {
			tabs = append(tabs, id)
		}
	}
	if len(tabs) != 1 {
		return fmt.Errorf("opening the guard tab added %d tab targets, want 1", len(tabs))
	}
	b.guard, b.guardTab = created.TargetID, tabs[0]
	return nil
}

// tabTargets lists the ids of the browser's tab targets.
func (b *Browser) tabTargets(ctx context.Context) (map[string]bool, error) {
	raw, err := b.mux.Call(ctx, "", "Target.getTargets", map[string]any{"filter": []map[string]string{{"type": "tab"}}})
	if err != nil {
		return nil, err
	}
	var res target.GetTargetsResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, t := range res.TargetInfos {
		ids[string(t.TargetID)] = true
	}
	return ids, nil
}

// hideGuard is a user client's setup: it puts a guardHider in front of the
// hook the client already has, if any.
func (b *Browser) hideGuard(c *cdpmux.Client) {
	if b.guard != "" {
		c.SetHook(&guardHider{c: c, guard: []byte(b.guard), tab: []byte(b.guardTab), next: c.Hook(), lists: map[int64]bool{}, sessions: map[string]bool{}})
	}
}

// guardHider is the hook that keeps the guard tab out of a user's sight:
// Target events about it are dropped, the list Target.getTargets answers
// leaves it out, sessions that auto-attach opens on it are detached at once,
// and a command that names it is answered as Chromium answers an unknown
// target. The guard has two targets, its tab and the page in it; their ids
// are random, so only a message about the guard holds them.
type guardHider struct {
	c     *cdpmux.Client
	guard []byte // the guard's page target
	tab   []byte // the guard's tab target, which holds the page target
	next  cdpmux.Hook

	mu       sync.Mutex
	lists    map[int64]bool  // the user's Target.getTargets commands awaiting their reply
	sessions map[string]bool // sessions auto-attach opened on the guard, until detached
}

func (h *guardHider) Command(env cdpmux.Message) bool {
	if h.names(env.Params) {
		r := cdpmux.Refusal(env.ID, -32602, "No target with given id found")
		r.SessionID = env.SessionID
		h.c.Push(*r)
		return true
	}
	if env.Method == "Target.getTargets" {
		h.mu.Lock()
		h.lists[env.ID] = true
		h.mu.Unlock()
	}
	return h.next != nil && h.next.Command(env)
}

func (h *guardHider) Inbound(env cdpmux.Message) []cdpmux.Message {
	if env.ID != 0 {
		env.Result = h.list(env)
	} else if h.hides(env) {
		return nil
	}
	if h.next != nil {
		return h.next.Inbound(env)
	}
	return []cdpmux.Message{env}
}

// list takes the guard out of the reply to a Target.getTargets.
func (h *guardHider) list(env cdpmux.Message) json.RawMessage {
	h.mu.Lock()
	asked := h.lists[env.ID]
	delete(h.lists, env.ID)
	h.mu.Unlock()
	if !asked || !h.names(env.Result) {
		return env.Result
	}
	var res map[string]json.RawMessage
	var infos []json.RawMessage
	if json.Unmarshal(env.Result, &res) != nil || json.Unmarshal(res["targetInfos"], &infos) != nil {
		return env.Result
	}
	kept := infos[:0]
	for _, info := range infos {
		if !h.names(info) {
			kept = append(kept, info)
		}
	}
	res["targetInfos"], _ = json.Marshal(kept)
	out, _ := json.Marshal(res)
	return out
}

// hides reports whether an event is about the guard. A session that
// auto-attach opened on it is detached: the user cannot resume or close it.
func (h *guardHider) hides(env cdpmux.Message) bool {
	switch env.Method {
	case "Target.attachedToTarget":
		if !h.names(env.Params) {
			return false
		}
		s := cdpmux.SessionIDOf(env.Params)
		h.mu.Lock()
		h.sessions[s] = true
		h.mu.Unlock()
		params, _ := json.Marshal(map[string]string{"sessionId": s})
		h.c.Post(cdpmux.Message{SessionID: env.SessionID, Method: "Target.detachFromTarget", Params: params})
		return true
	case "Target.detachedFromTarget":
		s := cdpmux.SessionIDOf(env.Params)
		h.mu.Lock()
		defer h.mu.Unlock()
		hidden := h.sessions[s]
		delete(h.sessions, s)
		return hidden
	case "Target.targetCreated", "Target.targetInfoChanged", "Target.targetDestroyed", "Target.targetCrashed":
		return h.names(env.Params)
	}
	return false
}

// names reports whether a message's params or result hold one of the
// guard's ids.
func (h *guardHider) names(raw json.RawMessage) bool {
	return bytes.Contains(raw, h.guard) || bytes.Contains(raw, h.tab)
}
