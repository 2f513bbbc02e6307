package stealth

import (
	"encoding/json"
	"testing"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

func TestContextOfObject(t *testing.T) {
	for id, want := range map[string]int64{
		"-3411906207040346817.7.1":      7,
		"1.-42.3":                       -42,
		`{"injectedScriptId":5,"id":9}`: 5,
		"":                              0,
		"garbage":                       0,
		"1.x.3":                         0,
	} {
		got, err := contextOfObject(id)
		if got != want || (err == nil) != (want != 0) {
			t.Errorf("contextOfObject(%q) = %d, %v; want %d", id, got, err, want)
		}
	}
}

// TestRuntimeShimEvents checks the shim's bookkeeping without a browser:
// Runtime.enable is answered locally on a page session only, an isolated
// world the client creates is reported before the reply, and a navigation
// destroys the frame's contexts before the client hears of it.
func TestRuntimeShimEvents(t *testing.T) {
	c := cdpmux.Detached("browser")
	s := newRuntimeShim(c)
	c.SetHook(s)
	s.Inbound(cdpmux.Message{Method: "Target.attachedToTarget", SessionID: "browser", Params: json.RawMessage(`{"sessionId":"P","targetInfo":{"targetId":"T","type":"page"}}`)})
	s.Inbound(cdpmux.Message{Method: "Target.attachedToTarget", SessionID: "browser", Params: json.RawMessage(`{"sessionId":"W","targetInfo":{"targetId":"T2","type":"worker"}}`)})
	if s.Command(cdpmux.Message{ID: 1, SessionID: "W", Method: "Runtime.enable"}) {
		t.Fatal("Runtime.enable of a worker was answered by the shim")
	}
	s.mu.Lock()
	s.session("P").enabled = true // as after Runtime.enable, without the discovery that needs a browser
	s.mu.Unlock()
	if s.Command(cdpmux.Message{ID: 2, SessionID: "P", Method: "Page.createIsolatedWorld", Params: json.RawMessage(`{"frameId":"F","worldName":"util"}`)}) {
		t.Fatal("Page.createIsolatedWorld was not forwarded")
	}
	out := s.Inbound(cdpmux.Message{ID: 2, SessionID: "P", Result: json.RawMessage(`{"executionContextId":12}`)})
	if len(out) != 2 || out[0].Method != "Runtime.executionContextCreated" || out[1].ID != 2 {
		t.Fatalf("createIsolatedWorld reply: %+v", out)
	}
	var created struct {
		Context struct {
			ID      int64
			Name    string
			AuxData struct {
				FrameID   string
				IsDefault bool
				Type      string
			}
		}
	}
	json.Unmarshal(out[0].Params, &created)
	if created.Context.ID != 12 || created.Context.Name != "util" || created.Context.AuxData.FrameID != "F" || created.Context.AuxData.IsDefault || created.Context.AuxData.Type != "isolated" {
		t.Errorf("created %+v", created)
	}
	s.mu.Lock()
	s.session("P").enabled = false // no discovery goroutine for the navigation
	s.mu.Unlock()
	out = s.Inbound(cdpmux.Message{SessionID: "P", Method: "Page.frameNavigated", Params: json.RawMessage(`{"frame":{"id":"F","securityOrigin":"http://a"}}`)})
	if len(out) != 1 || out[0].Method != "Page.frameNavigated" {
		t.Fatalf("navigation with the domain off: %+v", out)
	}
	if got := s.sessions["P"].frames["F"].contexts; len(got) != 0 {
		t.Errorf("contexts after navigation: %v", got)
	}
}

// TestRuntimeShimBindings checks which bindings the shim installs in new
// contexts: those for every context and those of the context's world, as
// the client last added or removed them; bindings for one context id are
// the browser's business.
func TestRuntimeShimBindings(t *testing.T) {
	ss := &shimSession{}
	ss.trackBinding("Runtime.addBinding", json.RawMessage(`{"name":"a"}`))
	ss.trackBinding("Runtime.addBinding", json.RawMessage(`{"name":"u","executionContextName":"util"}`))
	ss.trackBinding("Runtime.addBinding", json.RawMessage(`{"name":"one","executionContextId":4}`))
	ss.trackBinding("Runtime.addBinding", json.RawMessage(`{"name":"a"}`))
	ss.trackBinding("Runtime.addBinding", json.RawMessage(`{"name":"gone"}`))
	ss.trackBinding("Runtime.removeBinding", json.RawMessage(`{"name":"gone"}`))
	if got := ss.bindingsFor(""); len(got) != 1 || got[0] != "a" {
		t.Errorf("main world bindings %v, want [a]", got)
	}
	if got := ss.bindingsFor("util"); len(got) != 2 || got[0] != "u" || got[1] != "a" {
		t.Errorf("util world bindings %v, want [u a]", got)
	}
}
