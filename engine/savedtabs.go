package engine

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/chromedp/cdproto/domstorage"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// otherTabs reads the localStorage of the origins that the browser's other
// tabs show, such as a CDP client's. It uses
// short sessions of the engine's own on the pipe that enable no domain, so
// neither the tabs nor their clients notice. Their sessionStorage belongs to
// those tabs, which do not outlive the browser, and is not kept.
func (p *Page) otherTabs(ctx context.Context) (map[string]*Storage, error) {
	m := p.client.Mux()
	raw, err := m.Call(ctx, "", "Target.getTargets", nil)
	if err != nil {
		return nil, err
	}
	var targets target.GetTargetsResult
	if err := json.Unmarshal(raw, &targets); err != nil {
		return nil, err
	}
	out := map[string]*Storage{}
	var errs []error
	for _, t := range targets.TargetInfos {
		if t.Type == "page" && t.TargetID != p.target().TargetID && webOrigin(t.URL) {
			errs = append(errs, readTab(ctx, m, t.TargetID, out))
		}
	}
	return out, errors.Join(errs...)
}

// readTab attaches to one tab, reads the localStorage of its first-party
// frames into out, and detaches.
func readTab(ctx context.Context, m *cdpmux.Mux, id target.ID, out map[string]*Storage) error {
	raw, err := m.Call(ctx, "", "Target.attachToTarget", target.AttachToTargetParams{TargetID: id, Flatten: new(true)})
	if err != nil {
		return nil // the tab closed meanwhile
	}
	var attached target.AttachToTargetResult
	json.Unmarshal(raw, &attached)
	s := string(attached.SessionID)
	defer m.Call(context.WithoutCancel(ctx), "", "Target.detachFromTarget", target.DetachFromTargetParams(attached))
	raw, err = m.Call(ctx, s, "Page.getFrameTree", nil)
	if err != nil {
		return err
	}
	var tree page.GetFrameTreeResult
	json.Unmarshal(raw, &tree)
	for _, f := range stateFrames(tree.FrameTree) {
		o := f.SecurityOrigin
		if out[o] != nil || !webOrigin(o) || !tabFirstParty(ctx, m, s, f.ID, o) {
			continue
		}
		items, err := m.Call(ctx, s, "DOMStorage.getDOMStorageItems", domstorage.GetDOMStorageItemsParams{StorageID: savedStorageID(o, true)})
		if err != nil {
			return err
		}
		var res domstorage.GetDOMStorageItemsResult
		json.Unmarshal(items, &res)
		out[o] = &Storage{Local: itemMap(res.Entries)}
	}
	return nil
}

func tabFirstParty(ctx context.Context, m *cdpmux.Mux, session string, frame any, origin string) bool {
	raw, err := m.Call(ctx, session, "Storage.getStorageKey", map[string]any{"frameId": frame})
	var key storage.GetStorageKeyResult
	return err == nil && json.Unmarshal(raw, &key) == nil && string(key.StorageKey) == origin+"/"
}
