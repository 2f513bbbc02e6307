package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// frame is a document the engine can search: a frame and the target that
// renders it, the tab itself or, for a cross-site iframe, the iframe's own
// target.
type frame struct {
	id      cdp.FrameID
	parent  cdp.FrameID // empty for the main frame
	url     string
	session *chromedp.Target
}

// frameState is what the engine keeps about the tab's frames between steps:
// its sessions with out-of-process iframes and its isolated worlds in frames
// other than the main one.
type frameState struct {
	mu     sync.Mutex
	oopifs map[target.ID]*oopif
	worlds map[cdp.FrameID]runtime.ExecutionContextID
}

// oopif is the engine's chromedp context on an out-of-process iframe.
type oopif struct {
	session *chromedp.Target
	cancel  context.CancelFunc
}

// mainFrame is the tab's top-level frame.
func (p *Page) mainFrame() frame {
	return frame{id: p.frameID(), session: p.target()}
}

// frames lists the tab's frames, the main frame first and every frame before
// its children, attaching to out-of-process iframes on the way.
func (p *Page) frames(ctx context.Context) ([]frame, error) {
	tree, err := cdp.Call(ctx, p.target(), page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return nil, err
	}
	out := flattenFrames(tree.FrameTree, "", p.target(), nil)
	targets, err := chromedp.CallBrowser(ctx, target.GetTargets, target.GetTargetsParams{})
	if err != nil {
		return nil, err
	}
	byParent := map[cdp.FrameID][]target.ID{}
	for _, info := range targets.TargetInfos {
		if info.Type == "iframe" {
			byParent[info.ParentFrameID] = append(byParent[info.ParentFrameID], info.TargetID)
		}
	}
	for i := 0; i < len(out); i++ {
		for _, id := range byParent[out[i].id] {
			out = p.appendOOPIF(ctx, out, out[i].id, id)
		}
	}
	p.forgetFrames(out)
	return out, nil
}

// appendOOPIF adds the frames an out-of-process iframe renders; one that goes
// away meanwhile is left out.
func (p *Page) appendOOPIF(ctx context.Context, out []frame, parent cdp.FrameID, id target.ID) []frame {
	session, err := p.oopifSession(ctx, id)
	if err != nil {
		return out
	}
	tree, err := cdp.Call(ctx, session, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return out
	}
	return flattenFrames(tree.FrameTree, parent, session, out)
}

func flattenFrames(t *page.FrameTree, parent cdp.FrameID, s *chromedp.Target, out []frame) []frame {
	out = append(out, frame{id: t.Frame.ID, parent: parent, url: t.Frame.URL, session: s})
	for _, c := range t.ChildFrames {
		out = flattenFrames(c, t.Frame.ID, s, out)
	}
	return out
}

// oopifSession returns the engine's session with an out-of-process iframe,
// attaching on first use. Attaching must run on the frame's own long-lived
// context, as chromedp binds the target to it.
func (p *Page) oopifSession(ctx context.Context, id target.ID) (*chromedp.Target, error) {
	p.frameState.mu.Lock()
	defer p.frameState.mu.Unlock()
	if o := p.frameState.oopifs[id]; o != nil {
		return o.session, nil
	}
	fctx, cancel := chromedp.NewContext(p.ctx, chromedp.WithTargetID(id), chromedp.WithDetachOnCancel())
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(fctx) }()
	select {
	case err := <-done:
		if err != nil {
			go cancel()
			return nil, err
		}
	case <-ctx.Done():
		go cancel()
		return nil, ctx.Err()
	}
	if p.frameState.oopifs == nil {
		p.frameState.oopifs = map[target.ID]*oopif{}
	}
	o := &oopif{session: chromedp.FromContext(fctx).Target, cancel: cancel}
	p.frameState.oopifs[id] = o
	return o.session, nil
}

// forgetFrames drops the sessions and worlds of frames that are gone.
func (p *Page) forgetFrames(live []frame) {
	ids := map[cdp.FrameID]bool{}
	for _, f := range live {
		ids[f.id] = true
	}
	p.frameState.mu.Lock()
	defer p.frameState.mu.Unlock()
	for id, o := range p.frameState.oopifs {
		if !ids[cdp.FrameID(id)] {
			delete(p.frameState.oopifs, id)
			go o.cancel()
		}
	}
	for id := range p.frameState.worlds {
		if !ids[id] {
			delete(p.frameState.worlds, id)
		}
	}
}

// frameWorld returns the engine's isolated world in a frame, creating it
// when there is none or fresh asks for a new one.
func (p *Page) frameWorld(ctx context.Context, f frame, fresh bool) (runtime.ExecutionContextID, error) {
	if f.id == p.frameID() {
		id, err := p.isolatedWorld(ctx, fresh)
		return runtime.ExecutionContextID(id), err
	}
	p.frameState.mu.Lock()
	defer p.frameState.mu.Unlock()
	if id, ok := p.frameState.worlds[f.id]; ok && !fresh {
		return id, nil
	}
	res, err := cdp.Call(ctx, f.session, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: f.id, WorldName: "sessionql"})
	if err != nil {
		return 0, err
	}
	if p.frameState.worlds == nil {
		p.frameState.worlds = map[cdp.FrameID]runtime.ExecutionContextID{}
	}
	p.frameState.worlds[f.id] = res.ExecutionContextID
	return res.ExecutionContextID, nil
}

// contentOriginScript is where an iframe element's content box starts in
// its own frame's viewport.
const contentOriginScript = `function() {
  const r = this.getBoundingClientRect(), s = getComputedStyle(this);
  return [r.left + this.clientLeft + parseFloat(s.paddingLeft), r.top + this.clientTop + parseFloat(s.paddingTop)];
}`

// frameOrigin is where a frame's viewport starts in the tab's viewport: the
// content boxes of its iframe elements, added up to the main frame.
func (p *Page) frameOrigin(ctx context.Context, f frame, all []frame) (x, y float64, err error) {
	byID := map[cdp.FrameID]frame{}
	for _, g := range all {
		byID[g.id] = g
	}
	for f.parent != "" {
		parent, ok := byID[f.parent]
		if !ok {
			return 0, 0, errors.New("the frame's parent is gone")
		}
		var off [2]float64
		if err := p.callOnFrameOwner(ctx, parent, f.id, &off); err != nil {
			return 0, 0, err
		}
		x, y, f = x+off[0], y+off[1], parent
	}
	return x, y, nil
}

// callOnFrameOwner measures the iframe element of a child frame in the
// parent frame's isolated world.
func (p *Page) callOnFrameOwner(ctx context.Context, parent frame, child cdp.FrameID, out *[2]float64) error {
	owner, err := cdp.Call(ctx, parent.session, dom.GetFrameOwner, dom.GetFrameOwnerParams{FrameID: child})
	if err != nil {
		return err
	}
	node, err := p.resolveInWorld(ctx, parent, owner.BackendNodeID, false)
	if isStaleWorld(err) {
		// The world is the parent's previous document's (a reload or a
		// navigation since the engine made it): make a new one.
		node, err = p.resolveInWorld(ctx, parent, owner.BackendNodeID, true)
	}
	if err != nil {
		return err
	}
	defer cdp.Call(ctx, parent.session, runtime.ReleaseObject, runtime.ReleaseObjectParams{ObjectID: node.Object.ObjectID})
	res, err := cdp.Call(ctx, parent.session, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: contentOriginScript, ObjectID: node.Object.ObjectID, ReturnByValue: new(true),
	})
	if err != nil {
		return err
	}
	return decodeResult(res.Result, res.ExceptionDetails, out)
}

// resolveInWorld resolves a node of a frame in the engine's world there,
// a fresh one when asked.
func (p *Page) resolveInWorld(ctx context.Context, f frame, node cdp.BackendNodeID, fresh bool) (dom.ResolveNodeResult, error) {
	world, err := p.frameWorld(ctx, f, fresh)
	if err != nil {
		return dom.ResolveNodeResult{}, err
	}
	return cdp.Call(ctx, f.session, dom.ResolveNode, dom.ResolveNodeParams{BackendNodeID: node, ExecutionContextID: world})
}

// isStaleWorld tells an error of resolving a node in a world that belongs
// to an earlier document of the frame.
func isStaleWorld(err error) bool {
	var cdpErr *cdproto.Error
	return isContextLost(err) || errors.As(err, &cdpErr) && strings.Contains(cdpErr.Message, "does not belong to the document")
}

// pollInterval is how often a selector is searched for again while the
// engine polls.
const pollInterval = 50 * time.Millisecond

// framesFor lists the frames a selector may search: the main frame, or for
// a deep selector all of them; callers skip those its glob does not match.
func (p *Page) framesFor(ctx context.Context, sel selectorSpec) ([]frame, error) {
	if !sel.deep {
		return []frame{p.mainFrame()}, nil
	}
	return p.frames(ctx)
}
