package sessions

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sessionql/sessionql"
)

// Filter selects and pages a listing.
type Filter struct {
	Status Status         // empty for any
	Query  *MetadataQuery // nil for any
	Name   string         // empty for any
	Limit  int
	Cursor string // from the previous page's next
}

// MetadataQuery matches a string value at a path of userMetadata, as
// Browserbase's q=user_metadata['a']['b']:'v' says.
type MetadataQuery struct {
	Path  []string
	Value string
}

func (f Filter) match(s *Session, status Status) bool {
	if f.Status != "" && f.Status != status || f.Name != "" && f.Name != s.Options.Name {
		return false
	}
	return f.Query == nil || f.Query.match(s.UserMetadata)
}

func (q *MetadataQuery) match(metadata json.RawMessage) bool {
	var v any
	if json.Unmarshal(metadata, &v) != nil {
		return false
	}
	for _, key := range q.Path {
		obj, ok := v.(map[string]any)
		if !ok {
			return false
		}
		v = obj[key]
	}
	s, ok := v.(string)
	return ok && s == q.Value
}

// page cuts the sorted views at the cursor; next is empty on the last page.
func (f Filter) page(views []View) ([]View, string, error) {
	start := 0
	if f.Cursor != "" {
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		for start < len(views) && !newer(after, views[start].Session) {
			start++
		}
	}
	end := min(start+f.Limit, len(views))
	next := ""
	if end < len(views) {
		next = encodeCursor(views[end-1].Session)
	}
	return views[start:end], next, nil
}

func encodeCursor(s *Session) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(s.CreatedAt.UnixNano(), 10) + "." + s.ID))
}

func decodeCursor(c string) (*Session, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	nanos, id, ok := strings.Cut(string(raw), ".")
	n, perr := strconv.ParseInt(nanos, 10, 64)
	if err != nil || !ok || perr != nil {
		return nil, sessionql.Errorf(sessionql.CodeInvalidRequest, "The cursor %q is not one this server gave out; use the next value of a listing.", c)
	}
	return &Session{ID: id, CreatedAt: time.Unix(0, n)}, nil
}

// ParseQuery reads q=user_metadata['a']['b']:'v'. Keys and the value are
// quoted with ' or ", and a backslash escapes the next character.
func ParseQuery(q string) (*MetadataQuery, error) {
	const prefix = "user_metadata"
	if !strings.HasPrefix(q, prefix) {
		return nil, queryError(q, 0, "it must start with user_metadata")
	}
	p := &queryParser{src: q, pos: len(prefix)}
	var path []string
	for p.peek() == '[' {
		p.pos++
		key, err := p.quoted()
		if err != nil {
			return nil, err
		}
		if p.peek() != ']' {
			return nil, queryError(q, p.pos, "expected ] after the key")
		}
		p.pos++
		path = append(path, key)
	}
	if len(path) == 0 {
		return nil, queryError(q, p.pos, "expected at least one ['key']")
	}
	if p.peek() != ':' {
		return nil, queryError(q, p.pos, "expected : before the value")
	}
	p.pos++
	value, err := p.quoted()
	if err != nil {
		return nil, err
	}
	if p.pos != len(q) {
		return nil, queryError(q, p.pos, "unexpected text after the value")
	}
	return &MetadataQuery{Path: path, Value: value}, nil
}

// String is the query in the form ParseQuery reads, with single quotes.
func (q *MetadataQuery) String() string {
	var b strings.Builder
	b.WriteString("user_metadata")
	for _, key := range q.Path {
		b.WriteString("[" + quote(key) + "]")
	}
	b.WriteString(":" + quote(q.Value))
	return b.String()
}

func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

type queryParser struct {
	src string
	pos int
}

func (p *queryParser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *queryParser) quoted() (string, error) {
	quote := p.peek()
	if quote != '\'' && quote != '"' {
		return "", queryError(p.src, p.pos, "expected a quoted string")
	}
	var b bytes.Buffer
	for p.pos++; p.pos < len(p.src); p.pos++ {
		c := p.src[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.src):
			p.pos++
			b.WriteByte(p.src[p.pos])
		case c == quote:
			p.pos++
			return b.String(), nil
		default:
			b.WriteByte(c)
		}
	}
	return "", queryError(p.src, p.pos, "the quoted string is not closed")
}

func queryError(q string, pos int, why string) error {
	return sessionql.Errorf(sessionql.CodeInvalidRequest, "%s", fmt.Sprintf("q=%s is malformed at character %d: %s (form: user_metadata['key']['nested']:'value').", q, pos+1, why))
}
