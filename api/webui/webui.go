// Package webui serves the pages a person opens in a browser: the
// dashboard and a session's live view. Their scripts and styles are the
// package's own files, embedded in the binary, so the pages load nothing
// from another site and need no build step.
package webui

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strings"
	"sync"

	"github.com/sessionql/sessionql/api/internal/static"
)

// AssetsPath is the path prefix under which Assets serves the pages'
// scripts and styles.
const AssetsPath = "/ui/assets/"

//go:embed assets/*.js assets/*.css assets/*.svg
var assets embed.FS

//go:embed templates/*.html
var templates embed.FS

var pages = template.Must(template.ParseFS(templates, "templates/*.html"))

// version is a short hash of the embedded assets; see static.Version.
var version = sync.OnceValue(func() string { return static.Version(assets) })

// Live writes the live view of session id. The page may be embedded in
// another site's iframe (frame-ancestors *); it holds no server token, only
// what its own URL carries.
func Live(w http.ResponseWriter, id string) {
	render(w, http.StatusOK, "live.html", map[string]string{"Session": id}, "*")
}

// Dashboard writes the dashboard. It holds the server token in session
// storage, so no other site may frame it.
func Dashboard(w http.ResponseWriter) {
	render(w, http.StatusOK, "dashboard.html", nil, "'none'")
}

// Replay writes the page that plays session id's recording back. Its
// styles allow inline ones: rrweb rebuilds the recorded pages' style
// elements in the player's iframe, which inherits this policy, and loads
// their images from where they were recorded. It holds a credential in
// its URL, so no other site may frame it.
func Replay(w http.ResponseWriter, id string) {
	csp := "default-src 'self'; img-src 'self' data: blob: http: https:; font-src 'self' data: http: https:; connect-src 'self'; style-src 'self' 'unsafe-inline' http: https:; script-src 'self'; frame-ancestors 'none'"
	renderPolicy(w, http.StatusOK, "replay.html", map[string]string{"Session": id}, csp)
}

// Message writes a page that tells a person why a page cannot be shown.
func Message(w http.ResponseWriter, status int, title, text string) {
	render(w, status, "message.html", map[string]string{"Title": title, "Text": text}, "*")
}

func render(w http.ResponseWriter, status int, name string, data map[string]string, frameAncestors string) {
	renderPolicy(w, status, name, data, "default-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; frame-ancestors "+frameAncestors)
}

// renderPolicy writes a page with its Content-Security-Policy; a page
// that no other site may frame also says so to browsers that predate
// frame-ancestors.
func renderPolicy(w http.ResponseWriter, status int, name string, data map[string]string, csp string) {
	if data == nil {
		data = map[string]string{}
	}
	data["Assets"], data["Version"] = AssetsPath, version()
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	static.PageHeaders(h)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", csp)
	if strings.HasSuffix(csp, "frame-ancestors 'none'") {
		h.Set("X-Frame-Options", "DENY")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Assets serves the embedded scripts, styles and images under AssetsPath,
// cacheable for a year; anything else is a 404.
func Assets() http.Handler {
	return static.Handler(assets, "assets", AssetsPath, map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"})
}
