// Package webui serves the pages a person opens in a browser: the
// dashboard and a session's live view. Their scripts and styles are the
// package's own files, embedded in the binary, so the pages load nothing
// from another site and need no build step.
package webui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"sync"
)

// AssetsPath is the path prefix under which Assets serves the pages'
// scripts and styles.
const AssetsPath = "/ui/assets/"

//go:embed assets/*.js assets/*.css assets/*.svg
var assets embed.FS

//go:embed templates/*.html
var templates embed.FS

var pages = template.Must(template.ParseFS(templates, "templates/*.html"))

// version is a short hash of the embedded assets, added to their URLs so
// that a browser fetches them again after an update.
var version = sync.OnceValue(func() string {
	h := sha256.New()
	err := fs.WalkDir(assets, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(name)
		h.Write([]byte(name))
		h.Write(b)
		return err
	})
	if err != nil {
		panic(err) // The files are embedded, so this cannot happen.
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
})

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

// Message writes a page that tells a person why a page cannot be shown.
func Message(w http.ResponseWriter, status int, title, text string) {
	render(w, status, "message.html", map[string]string{"Title": title, "Text": text}, "*")
}

func render(w http.ResponseWriter, status int, name string, data map[string]string, frameAncestors string) {
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
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; frame-ancestors "+frameAncestors)
	if frameAncestors == "'none'" {
		h.Set("X-Frame-Options", "DENY")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Assets serves the embedded scripts, styles and images under AssetsPath,
// cacheable for a year; anything else is a 404.
func Assets() http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // The directory is embedded, so this cannot happen.
	}
	files := http.FileServerFS(sub)
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
	return http.StripPrefix(AssetsPath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, ok := types[path.Ext(r.URL.Path)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", t)
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	}))
}
