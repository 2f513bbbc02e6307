package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/internal/testutil"
)

// TestPlaygroundRunsATypedQuery opens a session's browserQL URL in a real
// headless Chromium, types a query into GraphiQL and runs it.
func TestPlaygroundRunsATypedQuery(t *testing.T) {
	pages := testutil.ServePages(t)
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = "tok" })
	s := decodeAs[sessionJSON](t, do(t, "POST", srv.URL+"/session?token=tok", map[string]any{"stealth": true}))
	ctx := userBrowser(t)
	query := `mutation { goto(url: "` + pages.URL + `/docs/") { status } title: evaluate(content: "document.title") { value } }`
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.BrowserQL),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
		chromedp.Evaluate[chromedp.Void](`(() => { const cm = document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror; cm.focus(); cm.execCommand("selectAll"); })()`),
		typeText(query),
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
	)
	if err != nil {
		t.Fatal(err)
	}
	out, err := chromedp.Run(ctx, chromedp.Poll[string](
		`(() => { const t = document.querySelector(".graphiql-response")?.innerText || ""; return t.includes('"title"') ? t : null })()`,
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("no result in the playground: %v\n%s", err, text)
	}
	if !strings.Contains(out, `"status": 200`) || !strings.Contains(out, `"value": "Docs"`) {
		t.Errorf("the playground shows %s", out)
	}
}

// typeText types into the focused field as an input method does, so the
// editor's bracket auto-closing cannot mangle the text.
func typeText(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
}

// userBrowser is a person's browser: a plain headless Chromium that the
// test drives as a user would, closed at the end of the test.
func userBrowser(t *testing.T) context.Context {
	t.Helper()
	dir := testutil.DataDir(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(testutil.ChromePath(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(dir+"/profile"), chromedp.Env("TMPDIR="+dir))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		cancelAlloc()
		testutil.NoProcessesLeft(t, dir)
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx
}
