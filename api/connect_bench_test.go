//go:build linux

package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sessionql/sessionql/internal/testutil"
)

// BenchmarkCDPConnect runs e2e/bench-connect.mjs: Puppeteer's connect +
// newPage + goto + evaluate + disconnect, 50 times against a live session's
// connect URL and against a Chromium with the same flags that Puppeteer
// reaches directly on a debugging port, alternating in one run; then the
// reconnect latency of both. It reports the means and their ratios.
//
//	go test ./api -run '^$' -bench CDPConnect -benchtime 1x
func BenchmarkCDPConnect(b *testing.B) {
	srv := newServer(b)
	s := srv.create(b, map[string]any{"ttl": 3600000})
	cdpDial(b, s.Connect, nil).call("", "Browser.getVersion", nil) // the session's browser runs
	direct := cdpDirectChromium(b, srv.dataDir+"/profiles/"+s.ID)
	var res cdpBenchResult
	for range b.N {
		out := cdpNode(b, srv, "bench-connect.mjs", "CONNECT_URL="+s.Connect, "DIRECT_URL="+direct)
		if err := json.Unmarshal(out, &res); err != nil {
			b.Fatalf("bench-connect.mjs printed %s: %v", out, err)
		}
	}
	b.ReportMetric(res.Cycle.Connect.Mean, "connect-ms/cycle")
	b.ReportMetric(res.Cycle.Direct.Mean, "direct-ms/cycle")
	b.ReportMetric(res.Cycle.Ratio, "cycle-ratio")
	b.ReportMetric(res.Reconnect.Connect.Mean, "connect-ms/reconnect")
	b.ReportMetric(res.Reconnect.Direct.Mean, "direct-ms/reconnect")
	b.ReportMetric(res.Reconnect.Ratio, "reconnect-ratio")
	fmt.Fprintf(os.Stderr, "cycle: %+v\nreconnect: %+v\n", res.Cycle, res.Reconnect)
}

// cdpBenchResult is what bench-connect.mjs prints, in milliseconds.
type cdpBenchResult struct {
	Cycle, Reconnect struct {
		Connect, Direct struct{ Mean, Median, P90 float64 }
		Ratio           float64
	}
}

// cdpDirectChromium starts a Chromium with the command line of the
// session's browser, but on a debugging port and its own profile, and
// returns its browser WebSocket URL.
func cdpDirectChromium(b testing.TB, profile string) string {
	dir := testutil.DataDir(b)
	args := cdpDirectArgs(b, profile, dir)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "TMPDIR="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		testutil.NoProcessesLeft(b, dir)
	})
	listening := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
	for sc := bufio.NewScanner(stderr); sc.Scan(); {
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			go func() { // keep draining, so Chromium never blocks on stderr
				for sc.Scan() {
				}
			}()
			return m[1]
		}
	}
	b.Fatal("the direct Chromium did not print its DevTools URL")
	return ""
}

// cdpDirectArgs is the session browser's command line with a debugging port
// instead of the pipe, dir as the profile, and one blank tab to start with,
// as a Chromium that Puppeteer users launch themselves.
func cdpDirectArgs(b testing.TB, profile, dir string) []string {
	for _, p := range testutil.Processes("--user-data-dir=" + profile) {
		if strings.Contains(p, "--type=") {
			continue
		}
		raw, err := os.ReadFile("/proc/" + strings.Fields(p)[0] + "/cmdline")
		if err != nil {
			b.Fatal(err)
		}
		var args []string
		for _, a := range strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00") {
			switch {
			case a == "--remote-debugging-pipe":
				a = "--remote-debugging-port=0"
			case strings.HasPrefix(a, "--user-data-dir="):
				a = "--user-data-dir=" + dir + "/profile"
			case a == "--no-startup-window" || a == "about:blank":
				continue
			}
			args = append(args, a)
		}
		if os.Geteuid() == 0 && !slices.Contains(args, "--no-sandbox") {
			args = append(args, "--no-sandbox") // the session's browser runs as the browser user, this one as root
		}
		return append(args, "about:blank")
	}
	b.Fatalf("no browser runs on %s", profile)
	return nil
}

// BenchmarkCDPLargeMessage times a 20 MB reply (Runtime.evaluate of a long
// string, like a full-page screenshot) through the connect URL and from a
// Chromium with the same command line reached directly, alternating, and
// reports both and their ratio.
//
//	go test ./api -run '^$' -bench CDPLargeMessage -benchtime 20x
func BenchmarkCDPLargeMessage(b *testing.B) {
	srv := newServer(b)
	s := srv.create(b, map[string]any{"ttl": 3600000})
	proxied := cdpDial(b, s.Connect, nil)
	direct := cdpDial(b, cdpDirectChromium(b, srv.dataDir+"/profiles/"+s.ID), nil)
	clients := []*cdpClient{proxied, direct}
	tabs := []string{proxied.open("about:blank"), direct.open("about:blank")}
	var spent [2]time.Duration
	b.ResetTimer()
	for n := range b.N {
		for k := range 2 {
			i := (n + k) % 2 // alternate which goes first
			start := time.Now()
			clients[i].call(tabs[i], "Runtime.evaluate", map[string]any{"expression": "'x'.repeat(20e6)", "returnByValue": true})
			spent[i] += time.Since(start)
		}
	}
	b.ReportMetric(float64(spent[0].Milliseconds())/float64(b.N), "connect-ms/op")
	b.ReportMetric(float64(spent[1].Milliseconds())/float64(b.N), "direct-ms/op")
	b.ReportMetric(float64(spent[0])/float64(spent[1]), "ratio")
}
