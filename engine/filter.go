package engine

import (
	"regexp"
	"strings"
)

// Filter selects requests and responses by URL glob, resource type, method
// and status. With Any one matching list is enough; otherwise every given
// list must match. A filter with no lists matches everything.
type Filter struct {
	URLs     []string // globs; "*" matches any run of characters
	Types    []string // resource types, in any case: "xhr", "Document"
	Methods  []string
	Statuses []int
	Any      bool
}

// Empty tells whether the filter has no lists.
func (f Filter) Empty() bool {
	return len(f.URLs) == 0 && len(f.Types) == 0 && len(f.Methods) == 0 && len(f.Statuses) == 0
}

// matcher is a Filter made ready to test many requests.
type matcher struct {
	urls     []*regexp.Regexp
	types    map[string]bool
	methods  map[string]bool
	statuses map[int]bool
	any      bool
}

func (f Filter) compile() matcher {
	m := matcher{types: map[string]bool{}, methods: map[string]bool{}, statuses: map[int]bool{}, any: f.Any}
	for _, u := range f.URLs {
		m.urls = append(m.urls, globRegexp(u))
	}
	for _, t := range f.Types {
		m.types[strings.ToLower(t)] = true
	}
	for _, v := range f.Methods {
		m.methods[strings.ToUpper(v)] = true
	}
	for _, s := range f.Statuses {
		m.statuses[s] = true
	}
	return m
}

// match tests one request; status 0 means there is no response yet, and
// then a status list does not count.
func (m matcher) match(url, typ, method string, status int) bool {
	checks := [...]struct{ given, ok bool }{
		{len(m.urls) > 0, m.matchURL(url)},
		{len(m.types) > 0, m.types[strings.ToLower(typ)]},
		{len(m.methods) > 0, m.methods[strings.ToUpper(method)]},
		{len(m.statuses) > 0 && status != 0, m.statuses[status]},
	}
	given := 0
	for _, c := range checks {
		if !c.given {
			continue
		}
		given++
		if c.ok == m.any {
			return c.ok
		}
	}
	return given == 0 || !m.any
}

func (m matcher) matchURL(url string) bool {
	for _, re := range m.urls {
		if re.MatchString(url) {
			return true
		}
	}
	return false
}
