package sessions

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql"
)

func TestParseQuery(t *testing.T) {
	for q, want := range map[string]MetadataQuery{
		`user_metadata['order']['status']:'shipped'`: {Path: []string{"order", "status"}, Value: "shipped"},
		`user_metadata["a"]:"b"`:                     {Path: []string{"a"}, Value: "b"},
		`user_metadata['it\'s']:'a\\b'`:              {Path: []string{"it's"}, Value: `a\b`},
		`user_metadata['']:''`:                       {Path: []string{""}, Value: ""},
		`user_metadata['a b']:'ü ✓'`:                 {Path: []string{"a b"}, Value: "ü ✓"},
	} {
		got, err := ParseQuery(q)
		if err != nil || !reflect.DeepEqual(*got, want) {
			t.Errorf("ParseQuery(%s) = %+v, %v; want %+v", q, got, err, want)
		}
	}
}

func TestParseQueryRefusesMalformed(t *testing.T) {
	for q, why := range map[string]string{
		``:                             "must start with user_metadata",
		`metadata['a']:'b'`:            "must start with user_metadata",
		`user_metadata:'b'`:            "at least one ['key']",
		`user_metadata['a']'b'`:        "expected : before the value",
		`user_metadata['a':'b'`:        "expected ] after the key",
		`user_metadata[a]:'b'`:         "expected a quoted string",
		`user_metadata['a']:b`:         "expected a quoted string",
		`user_metadata['a']:'b`:        "not closed",
		`user_metadata['a']:'b' extra`: "unexpected text after the value",
		`user_metadata['a]:'b'`:        "expected ] after the key",
	} {
		_, err := ParseQuery(q)
		if sessionql.ErrorCode(err) != sessionql.CodeInvalidRequest || !strings.Contains(sessionql.ErrorMessage(err), why) {
			t.Errorf("ParseQuery(%s) = %v; want invalid_request saying %q", q, err, why)
		}
	}
}

// FuzzParseQuery checks that the parser never panics, and that what it
// accepts prints back to a query that parses to the same thing. The seeds
// run with every go test.
func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{
		`user_metadata['order']['status']:'shipped'`, `user_metadata["a"]:"b"`, `user_metadata['it\'s']:'a\\b'`,
		`user_metadata['a']:'b`, `user_metadata[`, `user_metadata['\`, `user_metadata['a']:'b'x`, "user_metadata['\x00']:'\xff'",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got, err := ParseQuery(q)
		if err != nil {
			if sessionql.ErrorCode(err) != sessionql.CodeInvalidRequest {
				t.Fatalf("ParseQuery(%q) failed with %v, not invalid_request", q, err)
			}
			return
		}
		again, err := ParseQuery(got.String())
		if err != nil || !reflect.DeepEqual(got, again) {
			t.Fatalf("ParseQuery(%q) = %+v, but its String %s parses to %+v, %v", q, got, got.String(), again, err)
		}
	})
}

// TestListFiltersAndPages lists by status, name and metadata, newest first, and
// walks the pages with the cursor.
func TestListFiltersAndPages(t *testing.T) { eachBackend(t, testListFiltersAndPages) }

func testListFiltersAndPages(t *testing.T, b Backend) {
	s := open(t, b.Open(t)(testConfig(t)))
	var ids []string
	for i := range 7 {
		meta := json.RawMessage(`{"order":{"status":"open"}}`)
		if i%2 == 0 {
			meta = json.RawMessage(`{"order":{"status":"shipped"}}`)
		}
		opts := Options{}
		if i%3 == 0 {
			opts.Name = "alpha"
		}
		sess, err := s.Create(opts, time.Hour, meta)
		if err != nil {
			t.Fatal(err)
		}
		ids = append([]string{sess.ID}, ids...) // newest first
	}
	// The name filter is the store's (pgstore selects by it): full pages.
	named, next, err := s.List(Filter{Limit: 2, Name: "alpha"})
	if err != nil || len(named) != 2 || next == "" || named[0].Session.ID != ids[0] || named[1].Session.ID != ids[3] {
		t.Fatalf("first page named alpha: %d sessions, next %q, %v; want %s, %s and a cursor", len(named), next, err, ids[0], ids[3])
	}
	named, next, err = s.List(Filter{Limit: 2, Name: "alpha", Cursor: next})
	if err != nil || len(named) != 1 || next != "" || named[0].Session.ID != ids[6] {
		t.Fatalf("second page named alpha: %d sessions, next %q, %v; want %s alone", len(named), next, err, ids[6])
	}
	var walked []string
	cursor := ""
	for pages := 0; ; pages++ {
		views, next, err := s.List(Filter{Limit: 3, Cursor: cursor})
		if err != nil || pages > 3 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, v := range views {
			walked = append(walked, v.Session.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if !reflect.DeepEqual(walked, ids) {
		t.Errorf("paging walked %v, want %v", walked, ids)
	}
	q, _ := ParseQuery(`user_metadata['order']['status']:'shipped'`)
	shipped, _, _ := s.List(Filter{Limit: 50, Query: q})
	live, _, _ := s.List(Filter{Limit: 50, Status: Live})
	hibernated, _, _ := s.List(Filter{Limit: 50, Status: Hibernated, Query: q})
	if len(shipped) != 4 || len(live) != 0 || len(hibernated) != 4 {
		t.Errorf("shipped %d, live %d, hibernated+shipped %d; want 4, 0, 4", len(shipped), len(live), len(hibernated))
	}
	if _, _, err := s.List(Filter{Limit: 1, Cursor: "not-a-cursor"}); sessionql.ErrorCode(err) != sessionql.CodeInvalidRequest {
		t.Errorf("a bad cursor: %v", err)
	}
}
