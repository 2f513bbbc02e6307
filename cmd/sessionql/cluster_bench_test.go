//go:build linux

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// BenchmarkClusterForward measures, on a session live on node A, a
// BrowserQL request and Puppeteer's connect + newPage + goto + evaluate +
// disconnect (e2e/bench-connect.mjs) sent to node B, which forwards them,
// against the same sent to A directly, alternating in one run; then the
// time a session of a SIGKILLed owner takes to answer on B (the rest of
// the lease plus the wake). It reports the means and their ratios.
//
//	go test ./cmd/sessionql -run '^$' -bench ClusterForward -benchtime 1x
func BenchmarkClusterForward(b *testing.B) {
	c := startCluster(b, 2, time.Minute)
	a, fwd := c.nodes[0], c.nodes[1]
	page := testutil.ServePages(b).URL + "/click.html"
	var created struct{ ID, Connect string }
	if st := call(b, "POST", a.URL+"/session", map[string]any{"stealth": true, "ttl": 600000}, &created); st != 201 {
		b.Fatalf("create: %d", st)
	}
	const js = `return document.title;`
	evalOn := func(nd *node) time.Duration {
		start := time.Now()
		if _, err := tryEvaluate(bqlOn(nd, created.ID), page, js); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	evalOn(a) // the browser runs on A
	const n = 50
	var direct, forwarded time.Duration
	for i := range n {
		if i%2 == 0 {
			direct += evalOn(a)
			forwarded += evalOn(fwd)
		} else {
			forwarded += evalOn(fwd)
			direct += evalOn(a)
		}
	}
	if p := fwdPressure(b, fwd); p != 0 {
		b.Fatalf("the forwarding node runs %d browsers", p)
	}
	b.ReportMetric(float64(direct.Microseconds())/n/1000, "direct-ms/bql")
	b.ReportMetric(float64(forwarded.Microseconds())/n/1000, "forwarded-ms/bql")
	b.ReportMetric(float64(forwarded)/float64(direct), "bql-ratio")

	through, _ := url.Parse(created.Connect)
	fu, _ := url.Parse(fwd.URL)
	through.Host = fu.Host
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "bench-connect.mjs")
	cmd.Dir = filepath.Join(testutil.Testdata(), "..", "e2e")
	cmd.Env = append(os.Environ(), "CONNECT_URL="+through.String(), "DIRECT_URL="+created.Connect, "PAGE_URL="+page, "ITERATIONS=30")
	out, err := cmd.Output()
	var res struct {
		Cycle struct {
			Connect, Direct struct{ Mean float64 }
			Ratio           float64
		}
	}
	if err != nil || json.Unmarshal(out, &res) != nil {
		b.Fatalf("bench-connect.mjs: %v\n%s", err, out)
	}
	b.ReportMetric(res.Cycle.Direct.Mean, "direct-ms/puppeteer")
	b.ReportMetric(res.Cycle.Connect.Mean, "forwarded-ms/puppeteer")
	b.ReportMetric(res.Cycle.Ratio, "puppeteer-ratio")

	a.cmd.Process.Signal(syscall.SIGKILL)
	killed := time.Now()
	a.wait(b)
	for {
		if _, err := tryEvaluate(bqlOn(fwd, created.ID), page, js); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	recovered := time.Since(killed)
	b.ReportMetric(float64(recovered.Milliseconds()), "recover-ms")
	b.ReportMetric(float64(clusterLease.Milliseconds()), "lease-ms")
	fmt.Fprintf(os.Stderr, "bql direct %s forwarded %s; puppeteer %+v; recovered in %s with a %s lease\n",
		direct/n, forwarded/n, res.Cycle, recovered.Round(time.Millisecond), clusterLease)
	fwd.shutdown(b, syscall.SIGTERM, fwd.dataDir)
}

func fwdPressure(b *testing.B, nd *node) int {
	var p struct{ LiveBrowsers int }
	call(b, "GET", nd.URL+"/pressure", nil, &p)
	return p.LiveBrowsers
}
