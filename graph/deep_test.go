package graph

import (
	"encoding/json"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

func TestDeepSelectors(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/frames.html") { status }
		crossReady: waitForSelector(selector: "< *frame.html?cross* #late-inner") { x y }
		sameText: text(selector: "< *?same #where") { text }
		crossText: text(selector: "< *frame.html?cross #where") { text }
		firstText: text(selector: "< #where") { text }
		shadowText: text(selector: "< #shadow-text") { text }
		plain: text(selector: "#shadow-text", timeout: 300) { text }
		sameClick: click(selector: "< *?same #inner") { x y }
		crossClick: click(selector: "< *?cross #inner") { x y }
		shadowClick: click(selector: "< #shadowed") { x y }
		crossType: type(selector: "< *?cross #field", text: "hi", delay: [0, 0]) { x y }
		shadowType: type(selector: "< #shadow-input", text: "ok", delay: [0, 0]) { x }
		all: querySelectorAll(selector: "< #where") { innerText }
		crossMap: mapSelector(selector: "< *?cross* p") { innerText }
		crossHTML: html(selector: "< *?cross #inner") { html }
		ifCross: if(selector: "< *?cross #inner") { inner: text(selector: "< *?cross #inner") { text } }
		nowhere: click(selector: "< *nowhere* #inner", timeout: 300) { x }
		messages: evaluate(content: "JSON.stringify(messages)") { value }
		shadowClicked: evaluate(content: "String(window.shadowClicked)") { value }
		shadowValue: evaluate(content: "document.getElementById('host').shadowRoot.getElementById('shadow-input').value") { value }
	}`)
	wantErrors(t, res, map[string]string{"plain": "selector_not_found", "nowhere": "selector_not_found"})
	texts := map[string]string{"sameText": "frame same", "crossText": "frame cross", "firstText": "frame same", "shadowText": "Inside the shadow"}
	for name, want := range texts {
		if got := field[struct{ Text string }](t, res, name).Text; got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	var messages []map[string]any
	json.Unmarshal([]byte(evalString(t, res, "messages")), &messages)
	seen := map[string]bool{}
	var typed []any
	for _, m := range messages {
		seen[mustJSON(m)] = true
		if v, ok := m["value"]; ok {
			typed = append(typed, v)
		}
	}
	for _, want := range []string{`{"clicked":true,"where":"same"}`, `{"clicked":true,"where":"cross"}`, `{"value":"hi","where":"cross"}`} {
		if !seen[want] {
			t.Errorf("the frames did not report %s (they saw %v): clicks must be trusted and hit the right frame, keys must reach the cross-site frame", want, messages)
		}
	}
	if mustJSON(typed) != `["h","hi"]` {
		t.Errorf("the cross-site field saw the values %v, want one key at a time", typed)
	}
	if v := evalString(t, res, "shadowClicked"); v != "true" {
		t.Errorf("the button in the shadow root saw a trusted click: %q", v)
	}
	if v := evalString(t, res, "shadowValue"); v != "ok" {
		t.Errorf("the input in the shadow root holds %q", v)
	}
	if all := field[[]struct{ InnerText string }](t, res, "all"); len(all) != 2 || all[0].InnerText != "frame same" || all[1].InnerText != "frame cross" {
		t.Errorf("querySelectorAll across frames = %+v", all)
	}
	if m := field[[]struct{ InnerText string }](t, res, "crossMap"); len(m) != 1 || m[0].InnerText != "frame cross" {
		t.Errorf("mapSelector in the cross-site frame = %+v", m)
	}
	if h := field[struct{ HTML string }](t, res, "crossHTML").HTML; h != `<button id="inner" style="width:100px;height:30px">Inner</button>` {
		t.Errorf("html in the cross-site frame = %q", h)
	}
	var cond struct{ Inner struct{ Text string } }
	json.Unmarshal(res.Data["ifCross"], &cond)
	if cond.Inner.Text != "Inner" {
		t.Errorf("if with a deep selector = %s", res.Data["ifCross"])
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
