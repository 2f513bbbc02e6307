package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"

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
	dir := b.TempDir()
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
// instead of the pipe and dir as the profile.
func cdpDirectArgs(b testing.TB, profile, dir string) []string {
	for _, p := range testutil.Processes("--user-data-dir=" + profile) {
		if strings.Contains(p, "--type=") {
			continue
		}
		raw, err := os.ReadFile("/proc/" + strings.Fields(p)[0] + "/cmdline")
		if err != nil {
			b.Fatal(err)
		}
		args := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
		for i, a := range args {
			switch {
			case a == "--remote-debugging-pipe":
				args[i] = "--remote-debugging-port=0"
			case strings.HasPrefix(a, "--user-data-dir="):
				args[i] = "--user-data-dir=" + dir + "/profile"
			}
		}
		return args
	}
	b.Fatalf("no browser runs on %s", profile)
	return nil
}
