// Package static serves the files that the server's pages load (scripts,
// styles, images), embedded in the binary.
package static

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
)

// Version is a short hash of the files. Pages add it to the address of each
// file, so a browser fetches the files again after an update, although
// Handler lets it cache them for a year.
func Version(files fs.FS) string {
	h := sha256.New()
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, name)
		h.Write([]byte(name))
		h.Write(b)
		return err
	})
	if err != nil {
		panic(err) // The files are embedded, so this cannot happen.
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// Handler serves the files of dir under prefix with the content type that
// types gives their extension, cacheable for a year; any other path is a
// 404.
func Handler(files fs.FS, dir, prefix string, types map[string]string) http.Handler {
	sub, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // The files are embedded, so this cannot happen.
	}
	server := http.FileServerFS(sub)
	return http.StripPrefix(prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, ok := types[path.Ext(r.URL.Path)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", t)
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("X-Content-Type-Options", "nosniff")
		server.ServeHTTP(w, r)
	}))
}

// PageHeaders are the headers of a page that may hold a token: HTML that
// no cache keeps and that sends no Referer header.
func PageHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
}
