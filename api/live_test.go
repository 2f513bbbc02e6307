package api

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/internal/testutil"
)

// liveServer is a server with a token and a stealth session showing the
// counter page, which changes ten times a second.
func liveServer(t *testing.T) (*server, sessionJSON) {
	t.Helper()
	pages := testutil.ServePages(t)
	srv := newServer(t, func(_ *sessionsConfig, a *Config) { a.Token = "tok" })
	s := decodeAs[sessionJSON](t, do(t, "POST", srv.URL+"/session?token=tok", map[string]any{"stealth": true}))
	if status, res := bql(t, s.BrowserQL, `mutation { goto(url: "`+pages.URL+`/live.html") { status } }`, nil); status != 200 || len(res.Errors) > 0 {
		t.Fatalf("goto: %d %+v", status, res.Errors)
	}
	return srv, s
}

// mintLive asks for a live URL with the server token.
func mintLive(t *testing.T, srv *server, id string, body map[string]any) LiveURL {
	t.Helper()
	r := do(t, "POST", srv.URL+"/sessions/"+id+"/live-url?token=tok", body)
	if r.Status != 201 {
		t.Fatalf("live-url: %d %s", r.Status, r.Body)
	}
	return decodeAs[LiveURL](t, r)
}

// watch opens a live view in the person's browser and waits for frames.
func watch(t *testing.T, ctx context.Context, url string, frames int) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, fmt.Sprintf(`window.__live && __live.frames >= %d`, frames))
}

// waitJS polls an expression in the person's browser until it is true.
func waitJS(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => !!(`+cond+`) || null)()`, chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(window.__live) + " " + document.body.innerText`))
		t.Fatalf("%s never held: %v; %s", cond, err, state)
	}
}

func evalIn[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// clickPage clicks the viewer's image where the session's page has the
// point (x, y), as a person's mouse does.
func clickPage(t *testing.T, ctx context.Context, x, y float64) {
	t.Helper()
	at := evalIn[[]float64](t, ctx, fmt.Sprintf(`(() => { const r = document.getElementById("screen").getBoundingClientRect();
		return [r.left + %g / __live.width * r.width, r.top + %g / __live.height * r.height]; })()`, x, y))
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved, input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
			p := input.DispatchMouseEventParams{Type: typ, X: at[0], Y: at[1]}
			if typ != input.DispatchMouseEventTypeMouseMoved {
				p.Button, p.ClickCount = input.MouseButtonLeft, 1
			}
			if _, err := cdp.Call(ctx, tg, input.DispatchMouseEvent, p); err != nil {
				return err
			}
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
}

// typeKeys presses each key of text on the person's keyboard.
func typeKeys(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, r := range text {
			k := string(r)
			for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
				p := input.DispatchKeyEventParams{Type: typ, Key: k, Code: "Key" + strings.ToUpper(k), WindowsVirtualKeyCode: int64(strings.ToUpper(k)[0])}
				if typ == input.DispatchKeyEventTypeKeyDown {
					p.Text = k
				}
				if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, p); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
}

// sessionValue reads a value of the session's page with BrowserQL.
func sessionValue(t *testing.T, s sessionJSON, js string) string {
	t.Helper()
	_, res := bql(t, s.BrowserQL, `mutation { evaluate(content: "`+js+`") { value } }`, nil)
	var v struct{ Value string }
	if err := jsonUnmarshal(res.Data["evaluate"], &v); err != nil || len(res.Errors) > 0 {
		t.Fatalf("evaluate %s: %v %+v", js, err, res.Errors)
	}
	return v.Value
}

// artifact saves a screenshot of the person's browser under
// testdata/artifacts, for a person to look at.
func artifact(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, name, png)
}

// saveArtifact writes png under testdata/artifacts.
func saveArtifact(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := filepath.Join("testdata", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLiveViewStreamsAndSteers opens a live URL in a person's browser:
// frames arrive and change, a click and typed text reach the session's
// page, and the viewer's image follows the page's viewport.
func TestLiveViewStreamsAndSteers(t *testing.T) {
	srv, s := liveServer(t)
	live := mintLive(t, srv, s.ID, nil)
	ctx := userBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 760)); err != nil {
		t.Fatal(err)
	}
	watch(t, ctx, live.URL, 2)
	first := evalIn[string](t, ctx, `document.getElementById("screen").toDataURL()`)
	waitJS(t, ctx, `__live.frames >= 6`)
	if evalIn[string](t, ctx, `document.getElementById("screen").toDataURL()`) == first {
		t.Error("the frames of a changing page do not differ")
	}
	waitJS(t, ctx, `document.getElementById("mode").textContent === "Interactive"`)

	clickPage(t, ctx, 200, 240)
	clickPage(t, ctx, 250, 340)
	typeKeys(t, ctx, "ada")
	waitJS(t, ctx, `true`)
	deadline := time.Now().Add(10 * time.Second)
	for sessionValue(t, s, "document.getElementById('name').value") != "ada" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := sessionValue(t, s, "document.body.dataset.clicked || 'no'"); got != "yes" {
		t.Errorf("the click in the viewer did not reach the page: clicked = %q", got)
	}
	if got := sessionValue(t, s, "document.getElementById('name').value"); got != "ada" {
		t.Errorf("the typed text did not reach the page: %q", got)
	}
	after := evalIn[int](t, ctx, `__live.frames`)
	waitJS(t, ctx, fmt.Sprintf(`__live.frames >= %d`, after+5)) // frames keep coming after input
	artifact(t, ctx, "live-view.png")
	if got := sessionValue(t, s, "innerWidth + 'x' + innerHeight"); got == "1920x1080" {
		t.Errorf("the viewer's size did not become the page's viewport: %s", got)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for sessionValue(t, s, "innerWidth + 'x' + innerHeight") != "1920x1080" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := sessionValue(t, s, "innerWidth + 'x' + innerHeight"); got != "1920x1080" {
		t.Errorf("after the viewer left the session's viewport is %s, want its own 1920x1080", got)
	}
}

// TestLiveViewOnlyDropsInput shows that a view-only live URL streams but
// its clicks never reach the page, and that the image follows the
// page's viewport.
func TestLiveViewOnlyDropsInput(t *testing.T) {
	srv, s := liveServer(t)
	live := mintLive(t, srv, s.ID, map[string]any{"interactable": false, "type": "png"})
	ctx := userBrowser(t)
	watch(t, ctx, live.URL, 2)
	waitJS(t, ctx, `document.getElementById("mode").textContent === "View only"`)
	clickPage(t, ctx, 200, 240)
	if _, res := bql(t, s.BrowserQL, `mutation { viewport(width: 900, height: 640) { width } }`, nil); len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	waitJS(t, ctx, `__live.width === 900 && __live.height === 640 && document.getElementById("screen").width === 900`)
	if got := sessionValue(t, s, "document.body.dataset.clicked || 'no'"); got != "no" {
		t.Errorf("a view-only viewer's click reached the page: clicked = %q", got)
	}
}
