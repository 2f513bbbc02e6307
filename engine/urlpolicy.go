package engine

import (
	"fmt"
	"strings"
)

// webSchemes are the schemes a session may navigate to. Everything else
// (file:, chrome:, chrome-untrusted:, devtools:, view-source:, about:version
// and the other about: pages, which Chromium maps to chrome:) would show the
// browser the server's files or its internals, so it is refused unless the
// operator allows it.
var webSchemes = map[string]bool{"http": true, "https": true, "data": true, "blob": true, "javascript": true}

// webAbout are the about: URLs that are ordinary documents.
var webAbout = map[string]bool{"about:blank": true, "about:srcdoc": true}

// allowFileURLsSetting is what the operator sets to let sessions open file:
// and the browser's own URLs.
const allowFileURLsSetting = "ALLOW_FILE_URLS"

// checkURL refuses a URL a session may not navigate to; allowAll is the
// operator's ALLOW_FILE_URLS. A string without a scheme passes: Chromium
// refuses it as an invalid URL.
func checkURL(raw string, allowAll bool) error {
	if allowAll {
		return nil
	}
	scheme, rest, ok := urlScheme(raw)
	if !ok || webSchemes[scheme] {
		return nil
	}
	if scheme == "about" {
		page, _, _ := strings.Cut(rest, "#")
		page, _, _ = strings.Cut(page, "?")
		if webAbout["about:"+strings.ToLower(page)] {
			return nil
		}
	}
	return fmt.Errorf("%s: URLs are refused; the server's operator can allow them with %s=true", scheme, allowFileURLsSetting)
}

// urlScheme reads the scheme of a URL as Chromium does: spaces and control
// characters around it and tabs and newlines anywhere are ignored, and the
// scheme is case-insensitive.
func urlScheme(raw string) (scheme, rest string, ok bool) {
	s := strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", "", false
	}
	for j, r := range s[:i] {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (j == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return "", "", false
		}
	}
	return strings.ToLower(s[:i]), s[i+1:], true
}
