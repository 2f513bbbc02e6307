package engine

import (
	"context"
	"encoding/json"
	"time"
)

// tabTimeout bounds the calls that check for and create the engine's tab.
const tabTimeout = 5 * time.Second

// Alive reports whether the page's tab still exists. CDP clients share the
// browser and may close any tab, the engine's included.
func (p *Page) Alive() bool {
	ctx, cancel := context.WithTimeout(context.Background(), tabTimeout)
	defer cancel()
	_, err := p.client.mux.call(ctx, "", "Target.getTargetInfo", map[string]string{"targetId": string(p.target().TargetID)})
	return err == nil
}

// ReopenPage replaces a page whose tab was closed: it detaches the old one,
// opens a blank tab if the browser has none left, and attaches to a tab.
func (b *Browser) ReopenPage(old *Page) (*Page, error) {
	old.Close()
	if err := b.ensureTab(); err != nil {
		return nil, err
	}
	return b.OpenPage()
}

// ensureTab opens a blank tab when the browser has no page left, so that
// OpenPage has one to attach to.
func (b *Browser) ensureTab() error {
	ctx, cancel := context.WithTimeout(context.Background(), tabTimeout)
	defer cancel()
	raw, err := b.mux.call(ctx, "", "Target.getTargets", nil)
	if err != nil {
		return err
	}
	var res struct {
		TargetInfos []struct{ Type string } `json:"targetInfos"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return err
	}
	for _, t := range res.TargetInfos {
		if t.Type == "page" {
			return nil
		}
	}
	_, err = b.mux.call(ctx, "", "Target.createTarget", map[string]string{"url": "about:blank"})
	return err
}
