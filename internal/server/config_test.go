package server

import (
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBrowserlessNames checks that Browserless's variable names set the
// settings they mean, and that the setting's own variable wins over them.
func TestBrowserlessNames(t *testing.T) {
	t.Setenv("CHROME_PATH", "/usr/bin/true")
	t.Setenv("PORT", "4000")
	t.Setenv("TOKEN", "t")
	t.Setenv("CONCURRENT", "3")
	t.Setenv("QUEUED", "7")
	t.Setenv("TIMEOUT", "60000")
	c, err := Parse(t.Context(), nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":4000" || c.MaxBrowsers != 3 || c.Queue != 7 || c.MaxTTL != time.Minute {
		t.Errorf("from Browserless's names: addr %s, max browsers %d, queue %d, max TTL %s", c.Addr, c.MaxBrowsers, c.Queue, c.MaxTTL)
	}
	t.Setenv("ADDR", "127.0.0.1:5000")
	t.Setenv("MAX_BROWSERS", "2")
	c, err = Parse(t.Context(), []string{"--queue", "9", "--chrome", "/usr/bin/true"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:5000" || c.MaxBrowsers != 2 || c.Queue != 9 || c.Chrome != "/usr/bin/true" {
		t.Errorf("own names and flags must win: addr %s, max browsers %d, queue %d, chrome %s", c.Addr, c.MaxBrowsers, c.Queue, c.Chrome)
	}
	t.Setenv("TIMEOUT", "soon")
	if _, err := Parse(t.Context(), nil, io.Discard); err == nil || !strings.Contains(err.Error(), "TIMEOUT") {
		t.Errorf("a bad TIMEOUT: %v", err)
	}
}

// TestBadValuesNameTheVariable checks that a value that does not parse is
// refused with a message naming what to fix.
func TestBadValuesNameTheVariable(t *testing.T) {
	for env, value := range map[string]string{"MAX_BROWSERS": "many", "IDLE_TIMEOUT": "60", "LOG_FORMAT": "xml", "LOG_LEVEL": "loud"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("CHROME_PATH", "/usr/bin/true")
			t.Setenv(env, value)
			_, err := Parse(t.Context(), nil, io.Discard)
			if err == nil || !strings.Contains(err.Error(), value) {
				t.Errorf("%s=%s: %v", env, value, err)
			}
		})
	}
}

// TestHelpListsEveryFlag checks --help: every flag, its variable and its
// default.
func TestHelpListsEveryFlag(t *testing.T) {
	var out strings.Builder
	if _, err := Parse(t.Context(), []string{"--help"}, &out); err != ErrHelp {
		t.Fatalf("--help: %v", err)
	}
	(&Config{}).flags().VisitAll(func(f *flag.Flag) {
		if !strings.Contains(out.String(), "--"+f.Name+" / $"+envName(f.Name)) {
			t.Errorf("--help does not list --%s", f.Name)
		}
	})
}

// readmeRow is a row of README's configuration table: | `--flag` / `ENV` | default … |
var readmeRow = regexp.MustCompile("(?m)^\\| `--([a-z0-9-]+)` / `([A-Z0-9_]+)` \\| ([^|]*)")

// TestREADMEConfigTable checks README's configuration table against the
// flag definitions: one row per flag, with its variable and its default.
func TestREADMEConfigTable(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][2]string{}
	for _, m := range readmeRow.FindAllStringSubmatch(string(raw), -1) {
		rows[m[1]] = [2]string{m[2], m[3]}
	}
	fs := (&Config{}).flags()
	fs.VisitAll(func(f *flag.Flag) {
		row, ok := rows[f.Name]
		switch {
		case !ok:
			t.Errorf("README's configuration table has no row for --%s", f.Name)
		case row[0] != envName(f.Name):
			t.Errorf("README gives --%s the variable %s, the code %s", f.Name, row[0], envName(f.Name))
		case f.Name == "max-browsers": // depends on the machine
		case f.DefValue == "" && !strings.HasPrefix(row[1], "none"):
			t.Errorf("README's default for --%s is %q; the code has none", f.Name, row[1])
		case f.DefValue != "" && !strings.HasPrefix(row[1], "`"+f.DefValue+"`"):
			t.Errorf("README's default for --%s is %q; the code's is `%s`", f.Name, row[1], f.DefValue)
		}
		delete(rows, f.Name)
	})
	for name := range rows {
		t.Errorf("README's configuration table has a row for --%s, which is no flag", name)
	}
}

// TestClusterSettings checks that NODE_URL is refused without the shared
// stores, or when it is not a URL other nodes can reach, and that
// NODE_LEASE defaults to 15s.
func TestClusterSettings(t *testing.T) {
	t.Setenv("CHROME_PATH", "/usr/bin/true")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--node-url", "http://127.0.0.1:3001"}, "needs DATABASE_URL and PROFILE_STORE"},
		{[]string{"--node-url", "127.0.0.1:3001", "--database-url", "postgres://x/y", "--profile-store", "file:///tmp"}, "NODE_URL must be"},
		{[]string{"--node-url", "http://127.0.0.1:3001", "--database-url", "postgres://x/y", "--profile-store", "file:///tmp", "--node-lease", "10ms"}, "NODE_LEASE must be"},
	} {
		if _, err := Parse(t.Context(), tc.args, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
	c, err := Parse(t.Context(), []string{"--node-url", "http://127.0.0.1:3001", "--database-url", "postgres://x/y", "--profile-store", "file:///tmp"}, io.Discard)
	if err != nil || c.NodeLease != 15*time.Second {
		t.Errorf("a valid cluster node: %v, lease %s", err, c.NodeLease)
	}
}
