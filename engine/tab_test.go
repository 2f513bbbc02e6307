package engine

import (
	"context"
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
