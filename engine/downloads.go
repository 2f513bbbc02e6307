package engine

import (
	"context"
	"encoding/json"
	"time"
)

// downloadsTimeout bounds the engine's own Browser.setDownloadBehavior.
const downloadsTimeout = 5 * time.Second

// newUserPolicy is the boundary of the browser a launch starts.
func newUserPolicy(opts LaunchOptions) *userPolicy {
	return &userPolicy{downloads: opts.DownloadDir, uploads: opts.UploadDir, allowFileURLs: opts.AllowFileURLs, egress: usesEgress(opts)}
}

// navigationHistory reads the history of a user's page session, so that a
// history entry is checked as a navigation.
func (b *Browser) navigationHistory(session string) (map[int64]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), downloadsTimeout)
	defer cancel()
	raw, err := b.mux.Call(ctx, session, "Page.getNavigationHistory", nil)
	if err != nil {
		return nil, err
	}
	var h struct {
		Entries []struct {
			ID  int64  `json:"id"`
			URL string `json:"url"`
		} `json:"entries"`
	}
	json.Unmarshal(raw, &h)
	out := make(map[int64]string, len(h.Entries))
	for _, e := range h.Entries {
		out[e.ID] = e.URL
	}
	return out, nil
}
