package engine

import (
	"context"
	"time"
)

// tabTimeout bounds checking that the engine's tab exists.
const tabTimeout = 5 * time.Second

// Alive reports whether the page's tab still exists. CDP clients share the
// browser and may close any tab, the engine's included.
func (p *Page) Alive() bool {
	ctx, cancel := context.WithTimeout(context.Background(), tabTimeout)
	defer cancel()
	_, err := p.client.mux.call(ctx, "", "Target.getTargetInfo", map[string]string{"targetId": string(p.target().TargetID)})
	return err == nil
}

// ReopenPage replaces a page whose tab was closed: it detaches the old one
// and attaches the engine to a new tab.
func (b *Browser) ReopenPage(old *Page) (*Page, error) {
	old.Close()
	return b.OpenPage()
}
