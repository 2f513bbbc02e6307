package engine

import "testing"

// A script that begins with a statement keyword runs as a function body at
// once; anything that may be an expression is tried as one first.
func TestStartsWithStatement(t *testing.T) {
	for content, want := range map[string]bool{
		"return localStorage.getItem('theme');": true,
		"\n  return(1)":                         true,
		"const a = 1; return a":                 true,
		"if (x) { return 1 }":                   true,
		"for(;;) break":                         true,
		"throw new Error('x')":                  true,
		"try { f() } catch {}":                  true,
		"do { i++ } while (i < 3); return i":    true,
		"document.title":                        false,
		"returnValue":                           false,
		"return_ + 1":                           false,
		"return$":                               false,
		"returné":                               false,
		`return\u0041`:                          false,
		"doSomething()":                         false,
		"let x = 1; return x":                   false, // let may be an identifier: tried as an expression first
		"(function () { return 1 })()":          false,
		"// comment\nreturn 1":                  false,
		"await fetch('/')":                      false,
		"":                                      false,
	} {
		if got := startsWithStatement(content); got != want {
			t.Errorf("startsWithStatement(%q) = %v, want %v", content, got, want)
		}
	}
}
