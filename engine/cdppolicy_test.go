package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
	"github.com/sessionql/sessionql/internal/testutil"
)

// TestPolicyTableIsDocumented keeps docs/cdp.md's table and cdpRules the
// same: every row of the Go table is a row of the documented one, with
// its verdict.
func TestPolicyTableIsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(testutil.Testdata(), "..", "docs", "cdp.md"))
	if err != nil {
		t.Fatal(err)
	}
	for method, r := range cdpRules {
		if row := "| `" + method + "` | " + string(r.verdict) + " |"; !strings.Contains(string(doc), row) {
			t.Errorf("docs/cdp.md has no row %q", row)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"https://example.com/", true}, {"http://127.0.0.1:1/", true}, {"data:text/html,x", true},
		{"about:blank", true}, {"about:srcdoc", true}, {"about:blank#x", true}, {"javascript:1", true},
		{"blob:https://a/b", true}, {"", true}, {"relative/path", true},
		{"file:///etc/passwd", false}, {"FILE:///etc/passwd", false}, {"  file:///etc/passwd", false},
		{"fi\tle:///etc/passwd", false}, {"\x01file:///etc/passwd", false}, {"chrome://version", false},
		{"chrome-untrusted://x/", false}, {"devtools://devtools/", false}, {"view-source:https://a/", false},
		{"about:version", false}, {"About:Version", false}, {"filesystem:file:///x", false}, {"chrome-extension://x/", false},
	} {
		if err := checkURL(c.url, false); (err == nil) != c.ok {
			t.Errorf("checkURL(%q) = %v, want ok %v", c.url, err, c.ok)
		}
		if err := checkURL(c.url, true); err != nil {
			t.Errorf("with ALLOW_FILE_URLS, checkURL(%q) = %v", c.url, err)
		}
	}
}

// TestHistoryEntryIsCheckedAsANavigation covers the one row that a live
// browser cannot reach while the policy is on: an entry of a file: URL, as
// one left from a time the operator allowed them.
func TestHistoryEntryIsCheckedAsANavigation(t *testing.T) {
	p := &userPolicy{history: func(string) (map[int64]string, error) {
		return map[int64]string{1: "https://example.com/", 2: "file:///etc/passwd"}, nil
	}}
	for id, ok := range map[int64]bool{1: true, 2: false} {
		params, _ := json.Marshal(map[string]int64{"entryId": id})
		_, refusal := p.filter(cdpmux.Message{ID: 7, SessionID: "s", Method: "Page.navigateToHistoryEntry", Params: params})
		if (refusal == nil) != ok {
			t.Errorf("entry %d: refusal %v, want ok %v", id, refusal, ok)
		}
		if refusal != nil && (refusal.ID != 7 || refusal.SessionID != "s" || !strings.Contains(string(refusal.Error), "refused by sessionql")) {
			t.Errorf("entry %d: refusal %+v does not answer the command", id, refusal)
		}
	}
}
