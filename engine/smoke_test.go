package engine

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

func TestSmoke(t *testing.T) {
	dir := t.TempDir()
	b, err := Launch(LaunchOptions{ExecPath: "/usr/bin/chromium", ProfileDir: dir + "/p", TempDir: dir + "/t", Headless: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	start := time.Now()
	p, err := b.OpenPage()
	if err != nil {
		t.Fatal(err)
	}
	t.Log("open", time.Since(start))
	ctx, cancel := p.step(context.Background(), 5*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("data:text/html,<title>hi</title>")); err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: "document.title", ReturnByValue: new(true)})
	t.Log(string(res.Result.Value), err)
	w, err := p.isolatedWorld(ctx, false)
	t.Log("world", w, err)
	p.Close()
}
