package examples

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// quickStart is README's quick-start block: the first sh block after the
// "## Quick start" heading.
var quickStart = regexp.MustCompile("(?s)## Quick start\n.*?```sh\n(.*?)```")

// TestREADMEQuickStart runs README's quick start verbatim with bash against
// a server this test starts: the state the first request writes is read
// back by the second, and the stop succeeds.
func TestREADMEQuickStart(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := quickStart.FindSubmatch(raw)
	if m == nil {
		t.Fatal("README has no sh block under ## Quick start")
	}
	server := startServer(t)
	cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", string(m[1]))
	cmd.Env = append(os.Environ(), "SESSIONQL="+server)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the quick start failed: %v\n%s", err, out)
	}
	for _, want := range []string{`"browserQL":"`, `"click":{"time":`, `{"data":{"goto":{"status":200},"theme":{"value":"dark"}}}`, "stopped"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the quick start's output lacks %s:\n%s", want, out)
		}
	}
}
