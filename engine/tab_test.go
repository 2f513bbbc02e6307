package engine

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestReopenPageAfterItsTabWasClosed(t *testing.T) {
	p, err := shared.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	if alive, err := p.Alive(context.Background()); !alive || err != nil {
		t.Fatal("a fresh page is not alive")
	}
	if _, err := shared.mux.Call(context.Background(), "", "Target.closeTarget", map[string]string{"targetId": string(p.target().TargetID)}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); alive(p); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the page is alive after its tab was closed")
		}
	}
	fresh, err := shared.ReopenPage(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.CloseTab()
	if err := fresh.SetContent(context.Background(), "<title>again</title>", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if title, err := fresh.Title(context.Background(), 10*time.Second); err != nil || title != "again" {
		t.Errorf("title = %q, %v; want again", title, err)
	}
}

func alive(p *Page) bool {
	ok, _ := p.Alive(context.Background())
	return ok
}

// TestAliveKnowsAClosedTabWithoutAsking closes the page's tab as a CDP
// client would and, once the browser lists it no more, wants Alive to say
// so at once: the browser has just answered, so Alive does not ask it and
// must know from the detach.
func TestAliveKnowsAClosedTabWithoutAsking(t *testing.T) {
	p, err := shared.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	id := string(p.target().TargetID)
	if _, err := shared.mux.Call(context.Background(), "", "Target.closeTarget", map[string]string{"targetId": id}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		raw, err := shared.mux.Call(context.Background(), "", "Target.getTargets", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(raw), id) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the closed tab is still listed")
		}
	}
	if alive(p) {
		t.Error("Alive says a tab the browser no longer lists is alive")
	}
}
