package api

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPlaygroundShowsSessionAndPreviews opens a session's playground as a
// person does: it names the session, its status and expiry, and shows a
// screenshot as an image and a pdf as a document.
func TestPlaygroundShowsSessionAndPreviews(t *testing.T) {
	_, s := liveServer(t)
	ctx := userBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.BrowserQL)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `document.querySelector("#session .sq-id")?.textContent === "`+s.ID+`" && document.getElementById("sq-status").textContent === "Live"`)
	waitJS(t, ctx, `document.querySelector(".graphiql-query-editor .CodeMirror")`)
	err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue("mutation {\n  screenshot(type: jpeg, quality: 70) { base64 }\n  pdf { base64 size }\n}\n")`),
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	if err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, `document.querySelector("#sq-list img")?.naturalWidth > 0 && document.querySelector("#sq-list iframe")`)
	artifact(t, ctx, "playground.png")
}
