package api

import (
	"encoding/json"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestEvaluateWorlds runs BrowserQL's evaluate in both worlds of a page that
// wraps document.querySelector to count its callers: the main world (the
// default) sees the page's globals and is seen by its wrapper; the isolated
// world shares the DOM, keeps its own globals between calls, and neither
// sees the page's globals nor calls through its wrapper. A script loaded by
// url runs in the world asked for too.
func TestEvaluateWorlds(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	res := runBQL(t, s, `mutation Worlds($url: String!, $script: String!) {
		goto(url: $url) { status }
		wrap: evaluate(content: "window.secret = 42; window.seen = 0; const q = document.querySelector; document.querySelector = function (s) { window.seen++; return q.call(document, s); }; return 'wrapped'") { value }
		mainSecret: evaluate(content: "typeof window.secret") { value }
		isolatedSecret: evaluate(content: "typeof window.secret", world: isolated) { value }
		isolatedDOM: evaluate(content: "document.querySelector('#far').id", world: isolated) { value }
		isolatedKeep: evaluate(content: "window.mine = 7; return 'set'", world: isolated) { value }
		isolatedKept: evaluate(content: "String(window.mine)", world: isolated) { value }
		mainMine: evaluate(content: "typeof window.mine") { value }
		seenAfterIsolated: evaluate(content: "String(window.seen)", world: main) { value }
		mainDOM: evaluate(content: "document.querySelector('#far').id") { value }
		seenAfterMain: evaluate(content: "String(window.seen)") { value }
		byURL: evaluate(url: $script, world: isolated) { value }
		expression: evaluate(expression: "typeof secret", world: isolated) { value }
	}`, map[string]any{"url": pages.URL + "/click.html", "script": pages.URL + "/script.js"})
	want := map[string]string{
		"mainSecret": "number", "isolatedSecret": "undefined", "isolatedDOM": "far", "isolatedKept": "7",
		"mainMine": "undefined", "seenAfterIsolated": "0", "mainDOM": "far", "seenAfterMain": "1", "expression": "undefined",
	}
	for field, w := range want {
		var v struct{ Value *string }
		json.Unmarshal(res.Data[field], &v)
		if v.Value == nil || *v.Value != w {
			t.Errorf("%s: %s, want %q", field, res.Data[field], w)
		}
	}
	if res.Data["byURL"] == nil {
		t.Error("a script loaded by url did not run in the isolated world")
	}
}
