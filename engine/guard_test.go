package engine

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestGuardTabIsHiddenFromUsers: a user's client meets the guard tab in no
// list, event or auto-attached session, and cannot close or attach to it; the
// engine's own list of tabs leaves it out too.
func TestGuardTabIsHiddenFromUsers(t *testing.T) {
	p, err := shared.OpenPage() // the guard opens beside the engine's first tab
	if err != nil {
		t.Fatal(err)
	}
	defer p.CloseTab()
	if err := shared.OpenGuard(context.Background()); err != nil {
		t.Fatal(err)
	}
	if shared.guard == "" || shared.guardTab == "" {
		t.Fatal("the browser has no guard tab")
	}
	conn, _ := serve(t)
	for _, cmd := range []string{
		`{"id":1,"method":"Target.setDiscoverTargets","params":{"discover":true,"filter":[{}]}}`,
		`{"id":2,"method":"Target.setAutoAttach","params":{"autoAttach":true,"waitForDebuggerOnStart":false,"flatten":true,"filter":[{}]}}`,
		`{"id":3,"method":"Target.getTargets","params":{"filter":[{}]}}`,
		`{"id":4,"method":"Target.closeTarget","params":{"targetId":"` + shared.guard + `"}}`,
		`{"id":5,"method":"Target.attachToTarget","params":{"targetId":"` + shared.guardTab + `","flatten":true}}`,
		`{"id":6,"method":"Browser.getVersion"}`,
	} {
		conn.send(t, cmd)
	}
	replies := map[int64]map[string]json.RawMessage{}
	for len(replies) < 6 {
		select {
		case f := <-conn.out:
			if strings.Contains(string(f), shared.guard) || strings.Contains(string(f), shared.guardTab) {
				t.Errorf("the user got a message about the guard tab: %s", f)
			}
			var msg map[string]json.RawMessage
			json.Unmarshal(f, &msg)
			if _, event := msg["method"]; !event {
				replies[idOf(msg)] = msg
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d replies came", len(replies))
		}
	}
	if !strings.Contains(string(replies[3]["result"]), `"targetInfos"`) {
		t.Errorf("Target.getTargets answered %s", replies[3]["result"])
	}
	for _, id := range []int64{4, 5} {
		if !strings.Contains(string(replies[id]["error"]), "No target with given id found") {
			t.Errorf("command %d on the guard answered %v, want Chromium's unknown target", id, replies[id])
		}
	}
	if _, err := shared.mux.Call(context.Background(), "", "Target.getTargetInfo", map[string]string{"targetId": shared.guard}); err != nil {
		t.Errorf("the guard tab is gone: %v", err)
	}
	tabs, err := shared.Tabs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tab := range tabs {
		if tab.ID == shared.guard {
			t.Error("Tabs lists the guard tab")
		}
	}
}

// TestGuardShareTheFirstTabsWindow: the guard is a background tab in the
// window of the engine's first tab, not a window of its own, which would
// cost a browser about 40 MiB more.
func TestGuardSharesTheFirstTabsWindow(t *testing.T) {
	b, p := launchOwn(t, LaunchOptions{})
	if err := b.OpenGuard(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := windowOf(t, b, b.guard), windowOf(t, b, string(p.target().TargetID)); got != want {
		t.Errorf("the guard is in window %d, the engine's tab in %d", got, want)
	}
}

// windowOf is the id of the window a target is in.
func windowOf(t *testing.T, b *Browser, target string) int64 {
	t.Helper()
	raw, err := b.mux.Call(context.Background(), "", "Browser.getWindowForTarget", map[string]string{"targetId": target})
	if err != nil {
		t.Fatal(err)
	}
	var w struct{ WindowID int64 }
	json.Unmarshal(raw, &w)
	return w.WindowID
}
