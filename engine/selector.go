package engine

import (
	"regexp"
	"strings"

	"github.com/sessionql/sessionql"
)

// selectorSpec is a parsed BrowserQL selector. A deep one (a leading "<") also
// searches open shadow roots and every frame whose URL matches the glob.
type selectorSpec struct {
	css   string
	deep  bool
	frame *regexp.Regexp // nil: any frame
}

// parseSelector reads "css" or "< [frame-url-glob] css". The first word after
// "<" is a glob when it has a "/" or "?", or a "*" next to a letter or digit,
// none of which CSS selectors have outside brackets and quotes.
func parseSelector(s string) (selectorSpec, error) {
	rest, deep := strings.CutPrefix(strings.TrimSpace(s), "<")
	if !deep {
		return selectorSpec{css: s}, nil
	}
	rest = strings.TrimSpace(rest)
	sel := selectorSpec{css: rest, deep: true}
	if word, css, _ := strings.Cut(rest, " "); isGlob(word) {
		sel.frame, sel.css = globRegexp(word), strings.TrimSpace(css)
	}
	if sel.css == "" {
		return selectorSpec{}, failf(sessionql.CodeInvalidArgument, "The deep selector %q has no CSS after the frame glob.", s)
	}
	return sel, nil
}

func isGlob(word string) bool {
	if strings.ContainsAny(word, `[]"'`) {
		return false
	}
	if strings.ContainsAny(word, "/?") {
		return true
	}
	for i := range len(word) {
		if word[i] == '*' && (i > 0 && isAlnum(word[i-1]) || i+1 < len(word) && isAlnum(word[i+1])) {
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// globRegexp compiles a URL glob in which "*" matches any run of characters
// and everything else, "?" included, matches itself.
func globRegexp(glob string) *regexp.Regexp {
	parts := strings.Split(glob, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}

// matchesFrame tells whether a frame at url is searched.
func (s selectorSpec) matchesFrame(url string) bool {
	return s.frame == nil || s.frame.MatchString(url)
}
