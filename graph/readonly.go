package graph

import "github.com/vektah/gqlparser/v2/ast"

// readOnlyFields are the steps that read the page without making it run
// any code of its own: no input, navigation, script, scroll, wait, print
// or screenshot (which may scroll, resize or fire beforeprint), and no
// setting. A request of these alone changes no cookie and no storage, so
// it needs no checkpoint before its answer (sessions' finishRequest). Any
// other field, an unknown one included, keeps the checkpoint.
var readOnlyFields = map[string]bool{
	"text": true, "html": true, "innerText": true, "attribute": true,
	"title": true, "url": true, "currentURL": true,
	"querySelector": true, "querySelectorAll": true,
	"__typename": true,
}

// readOnly reports whether every top-level field of a mutation is in
// readOnlyFields; fragments count as not read-only.
func readOnly(set ast.SelectionSet) bool {
	for _, sel := range set {
		f, ok := sel.(*ast.Field)
		if !ok || !readOnlyFields[f.Name] {
			return false
		}
	}
	return len(set) > 0
}
