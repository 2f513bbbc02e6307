package engine

import (
	"context"

	"github.com/sessionql/sessionql"
)

// interactableScript tells whether the element is what a pointer reaches at
// its centre: itself or something inside it, not an element covering it.
var interactableScript = elementScript(`(el) => {
  const r = el.getBoundingClientRect(), root = el.getRootNode();
  const at = (root.elementFromPoint ? root : document).elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return at === el || el.contains(at);
}`)

// checkInteractable fails when another element covers the element at its
// centre, or its centre is out of the viewport.
func (p *Page) checkInteractable(ctx context.Context, el *element, selector string) error {
	var ok bool
	if err := p.callOnElement(ctx, el, interactableScript, &ok, nil); err != nil {
		return err
	}
	if !ok {
		return failf(sessionql.CodeEvaluationFailed, "The element of %q is not what the mouse reaches at its centre: another element covers it, or it is out of view; scroll to it, or pass interactable: false.", selector)
	}
	return nil
}
