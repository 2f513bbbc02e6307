package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/internal/testutil/rawchrome"
)

// BenchmarkWarmRequest measures a warm stealth session's BrowserQL request
// (goto + click + evaluate on a localhost page) as a client sees it: the
// server binary runs as a process of its own, and this test process sends
// the request over HTTP. The baseline is the same three steps by raw
// chromedp from this process on a warm tab of a plain Chromium with a
// 1920×1080 window, the stealth session's size. The two alternate.
//
//	go test ./cmd/sessionql -run '^$' -bench WarmRequest -benchtime 100x -count 3
func BenchmarkWarmRequest(b *testing.B) {
	pages := testutil.ServePages(b)
	docs := pages.URL + "/docs/"
	bql := warmSession(b)
	ours := bqlClient(b, bql, rawchrome.CoreQuery(docs))
	ctx := rawchrome.Warm(b)
	raw := func() {
		if err := rawchrome.Core(ctx, docs); err != nil {
			b.Fatal(err)
		}
	}
	ours() // warm both: browser running, page cached, query parsed
	raw()
	rawchrome.Alternate(b, ours, raw)
}

// BenchmarkReadRequest is BenchmarkWarmRequest for a read-only request
// (text + title of the docs page), which skips the durability checkpoint,
// against chromedp's two evaluations of the same.
//
//	go test ./cmd/sessionql -run '^$' -bench ReadRequest -benchtime 100x -count 3
func BenchmarkReadRequest(b *testing.B) {
	pages := testutil.ServePages(b)
	docs := pages.URL + "/docs/"
	bql := warmSession(b)
	bqlClient(b, bql, `mutation { goto(url: "`+docs+`") { status } }`)()
	ours := bqlClient(b, bql, `mutation { text { text } title { title } }`)
	ctx := rawchrome.Warm(b)
	if err := chromedp.Do(ctx, chromedp.Navigate(docs)); err != nil {
		b.Fatal(err)
	}
	raw := func() {
		if err := rawchrome.Read(ctx); err != nil {
			b.Fatal(err)
		}
	}
	ours()
	raw()
	rawchrome.Alternate(b, ours, raw)
}

// warmSession starts the server binary and creates a stealth session on
// it; it returns the session's BrowserQL URL.
func warmSession(b *testing.B) string {
	dataDir := filepath.Join(testutil.DataDir(b), "data")
	s := start(b, dataDir)
	b.Cleanup(func() { s.shutdown(b, syscall.SIGTERM, dataDir) })
	_, bql := newSession(b, s)
	return bql
}

// bqlClient returns a function that sends query to the BrowserQL URL over
// a kept-alive connection, as a client in a loop does, and fails b unless
// it answers 200 without errors.
func bqlClient(b *testing.B, url, query string) func() {
	body, _ := json.Marshal(map[string]string{"query": query})
	client := &http.Client{Timeout: time.Minute}
	b.Cleanup(client.CloseIdleConnections)
	return func() {
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		answer, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		var res struct{ Errors []json.RawMessage }
		if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(answer, &res) != nil || len(res.Errors) > 0 {
			b.Fatalf("%d %s %v", resp.StatusCode, answer, err)
		}
	}
}
