package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/graph"
	"github.com/sessionql/sessionql/internal/testutil"
)

// twenty are the fields of the benchmark's request: seven text, seven
// querySelector and six evaluate, on one page.
var twenty = []struct{ kind, arg string }{
	{"text", "#p1 .title"}, {"querySelector", "#p1"}, {"evaluate", "document.title"},
	{"text", "#p2 .title"}, {"querySelector", "#p2"}, {"evaluate", "2 + 2"},
	{"text", "#p3 .title"}, {"querySelector", "#p3"}, {"evaluate", "location.pathname"},
	{"text", "#p1 .tag"}, {"querySelector", "li.post"}, {"evaluate", "document.querySelectorAll('li').length"},
	{"text", "#p2 .tag"}, {"querySelector", "ul#posts"}, {"evaluate", "navigator.language"},
	{"text", "#posts"}, {"querySelector", "a.title"}, {"evaluate", "[1, 2, 3].map((x) => x * 2)"},
	{"text", "body"}, {"querySelector", "svg"},
}

// BenchmarkBQLTwentyMutations runs one BrowserQL request of twenty fields
// over HTTP and, in the same iteration, the same protocol commands sent
// directly with chromedp; it reports the median of each and their ratio.
func BenchmarkBQLTwentyMutations(b *testing.B) {
	page, _, url := benchServer(b)
	ctx, world := onTwentyPage(b, page)
	query := twentyQuery()
	var viaBQL, direct []time.Duration
	for b.Loop() {
		start := time.Now()
		postTwenty(b, url, query)
		viaBQL = append(viaBQL, time.Since(start))
		start = time.Now()
		directTwenty(b, ctx, world)
		direct = append(direct, time.Since(start))
	}
	bqlMedian, directMedian := testutil.Median(viaBQL), testutil.Median(direct)
	b.ReportMetric(float64(bqlMedian.Microseconds()), "bql-µs/req")
	b.ReportMetric(float64(directMedian.Microseconds()), "direct-µs/req")
	b.ReportMetric(float64(bqlMedian)/float64(directMedian), "bql/direct")
}

// BenchmarkBQLTwentyBreakdown splits the twenty-field request's cost: over
// HTTP, the handler called in process, the engine's steps called without
// GraphQL, and the direct protocol calls, all in one loop; each is reported
// as a ratio to the direct calls.
//
//	go test ./engine -run '^$' -bench BQLTwentyBreakdown -benchtime 400x -count 3
func BenchmarkBQLTwentyBreakdown(b *testing.B) {
	page, h, url := benchServer(b)
	ctx, world := onTwentyPage(b, page)
	query := twentyQuery()
	body, _ := json.Marshal(map[string]string{"query": query})
	sides := []struct {
		name string
		run  func()
	}{
		{"http", func() { postTwenty(b, url, query) }},
		{"in-process", func() {
			h.Serve(httptest.NewRecorder(), httptest.NewRequest("POST", "/", bytes.NewReader(body)), func(*http.Request) (*engine.Page, func() error, error) { return page, func() error { return nil }, nil })
		}},
		{"steps", func() { stepsTwenty(b, page) }},
		{"direct", func() { directTwenty(b, ctx, world) }},
	}
	took := make([][]time.Duration, len(sides))
	for b.Loop() {
		for i, side := range sides {
			start := time.Now()
			side.run()
			took[i] = append(took[i], time.Since(start))
		}
	}
	direct := float64(testutil.Median(took[len(sides)-1]))
	for i, side := range sides[:len(sides)-1] {
		b.ReportMetric(float64(testutil.Median(took[i]))/direct, side.name+"/direct")
	}
}

// stepsTwenty calls the engine's steps for the twenty fields, as the
// resolvers do.
func stepsTwenty(b *testing.B, page *engine.Page) {
	ctx := context.Background()
	for _, f := range twenty {
		var err error
		switch f.kind {
		case "text":
			_, err = page.Text(ctx, f.arg, graph.DefaultTimeout)
		case "querySelector":
			_, err = page.QuerySelector(ctx, f.arg, graph.DefaultTimeout)
		case "evaluate":
			_, err = page.Evaluate(ctx, f.arg, graph.DefaultTimeout)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// onTwentyPage loads the page the twenty fields read and returns its
// chromedp context and the engine's world in it, for the direct calls.
func onTwentyPage(b *testing.B, page *engine.Page) (context.Context, runtime.ExecutionContextID) {
	pages := testutil.ServePages(b)
	if _, err := page.Goto(context.Background(), pages.URL+"/list.html", engine.Load, 10*time.Second); err != nil {
		b.Fatal(err)
	}
	ctx, world, err := engine.RawPage(page)
	if err != nil {
		b.Fatal(err)
	}
	return ctx, world
}

// benchServer serves BrowserQL on a fresh tab, as the session endpoint does.
func benchServer(b *testing.B) (*engine.Page, *graph.Handler, string) {
	page, err := engine.SharedBrowser().OpenPage()
	if err != nil {
		b.Fatal(err)
	}
	h, err := graph.NewHandler("bench")
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Serve(w, r, func(*http.Request) (*engine.Page, func() error, error) { return page, func() error { return nil }, nil })
	}))
	b.Cleanup(func() { srv.Close(); h.Close(); page.CloseTab() })
	return page, h, srv.URL
}

func twentyQuery() string {
	var q strings.Builder
	q.WriteString("mutation {")
	for i, f := range twenty {
		switch f.kind {
		case "text":
			fmt.Fprintf(&q, " f%d: text(selector: %q) { text }", i, f.arg)
		case "querySelector":
			fmt.Fprintf(&q, " f%d: querySelector(selector: %q) { id className localName innerText innerHTML outerHTML childElementCount }", i, f.arg)
		case "evaluate":
			fmt.Fprintf(&q, " f%d: evaluate(content: %q) { value }", i, f.arg)
		}
	}
	return q.String() + " }"
}

func postTwenty(b *testing.B, url, query string) { postN(b, url, query, len(twenty)) }

func postN(b *testing.B, url, query string, n int) {
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Data   map[string]json.RawMessage
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || len(res.Errors) > 0 || len(res.Data) != n {
		b.Fatalf("the request failed: %v %v", err, res.Errors)
	}
}

// directTwenty sends what the engine sends for the twenty fields, and
// decodes the answers as a program would: one Runtime.callFunctionOn in the
// engine's isolated world per text or querySelector, with the engine's
// scripts, and one Runtime.evaluate in the page per evaluate.
func directTwenty(b *testing.B, ctx context.Context, world runtime.ExecutionContextID) {
	for _, f := range twenty {
		var err error
		switch f.kind {
		case "text":
			var res struct{ Value string }
			err = callDirect(ctx, world, engine.TextScript, &res, f.arg, false, map[string]any{"wait": true, "waitMs": 29900})
		case "querySelector":
			var res []engine.ElementInfo
			err = callDirect(ctx, world, engine.QuerySelectorScript, &res, f.arg, false, true)
		case "evaluate":
			var res runtime.EvaluateResult
			res, err = chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: "(async () => (\n" + f.arg + "\n))()", ReturnByValue: new(true), AwaitPromise: new(true), UserGesture: new(true)})
			if err == nil && res.Result.Type == runtime.RemoteObjectTypeString {
				var s string
				err = json.Unmarshal(res.Result.Value, &s)
			}
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

func callDirect(ctx context.Context, world runtime.ExecutionContextID, script string, out any, args ...any) error {
	callArgs := make([]*runtime.CallArgument, len(args))
	for i, a := range args {
		raw, _ := json.Marshal(a)
		callArgs[i] = &runtime.CallArgument{Value: raw}
	}
	res, err := chromedp.Call(ctx, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
		FunctionDeclaration: script, Arguments: callArgs, ExecutionContextID: world, ReturnByValue: new(true), AwaitPromise: new(true),
	})
	if err == nil && res.ExceptionDetails != nil {
		return fmt.Errorf("the script threw: %s", res.ExceptionDetails.Text)
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(res.Result.Value, out)
}
