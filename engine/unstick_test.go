package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql"
)

// TestRunawayScriptIsTerminated: a script that outlives its step's
// timeout is stopped with Runtime.terminateExecution, so that the next
// step on the tab runs at once instead of timing out behind it.
func TestRunawayScriptIsTerminated(t *testing.T) {
	p := newPage(t)
	ctx := context.Background()
	start := time.Now()
	_, err := p.Evaluate(ctx, "while(true){}", time.Second)
	if sessionql.ErrorCode(err) != sessionql.CodeTimeout {
		t.Fatalf("want a timeout, got %v", err)
	}
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("the runaway evaluate answered after %s", took)
	}
	v, err := p.Evaluate(ctx, "6*7", 3*time.Second)
	if err != nil || v == nil || *v != "42" {
		t.Fatalf("the next evaluate: %v %v", v, err)
	}
	if p.Stuck() || p.TakeTerminated() != 1 {
		t.Errorf("stuck %v; want one terminated script", p.Stuck())
	}
}

// TestStepOnAnsweringTabTerminatesNothing: a step that times out while the
// tab is idle stops no script.
func TestStepOnAnsweringTabTerminatesNothing(t *testing.T) {
	p := newPage(t)
	_, err := p.Evaluate(context.Background(), "new Promise(() => {})", 500*time.Millisecond)
	if sessionql.ErrorCode(err) != sessionql.CodeTimeout {
		t.Fatalf("want a timeout, got %v", err)
	}
	if n := p.TakeTerminated(); n != 0 || p.Stuck() {
		t.Errorf("terminated %d scripts on an idle tab (stuck %v)", n, p.Stuck())
	}
}

// TestStopEndsSteps: Stop ends a running step at once with its reason, and
// a context bound to the page ends with it.
func TestStopEndsSteps(t *testing.T) {
	p, err := shared.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	defer p.CloseTab()
	bound, unbind := p.Bind(context.Background())
	defer unbind()
	reason := sessionql.Errorf(sessionql.CodeSessionStopped, "stopped")
	time.AfterFunc(300*time.Millisecond, func() { p.Stop(reason) })
	start := time.Now()
	_, err = p.Evaluate(context.Background(), "new Promise(r => setTimeout(r, 10000))", 20*time.Second)
	if err != reason || time.Since(start) > 5*time.Second {
		t.Errorf("the step ended after %s with %v", time.Since(start), err)
	}
	select {
	case <-bound.Done():
		if context.Cause(bound) != reason {
			t.Errorf("bound context's cause: %v", context.Cause(bound))
		}
	case <-time.After(time.Second):
		t.Error("the bound context did not end with the page")
	}
}

// TestReplaceStuckTab: a tab whose script cannot be stopped is replaced by
// a fresh tab that works, and the old one is gone.
func TestReplaceStuckTab(t *testing.T) {
	p, err := shared.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	old := string(p.target().TargetID)
	fresh, err := shared.ReplaceTab(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.CloseTab()
	if v, err := fresh.Evaluate(ctx, "location.href", 5*time.Second); err != nil || v == nil || *v != "about:blank" {
		t.Errorf("the fresh tab: %v %v", v, err)
	}
	raw, _ := shared.mux.Call(ctx, "", "Target.getTargets", nil)
	if strings.Contains(string(raw), old) {
		t.Errorf("the old tab is still there")
	}
}
