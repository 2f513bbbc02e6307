package testutil

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"strconv"
	"time"
)

// pageHandlers answers the few test paths that need a server: they echo
// requests, set cookies, answer slowly or redirect. Everything else is a file
// of testdata/pages.
func pageHandlers(files http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", files)
	mux.HandleFunc("/echo", echo)
	mux.HandleFunc("/set-cookies", setCookies)
	mux.HandleFunc("/slow", slow)
	mux.HandleFunc("/download", download)
	mux.HandleFunc("/upload-echo", uploadEcho)
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	return mux
}

// echo answers with the request as JSON: method, headers, query and body.
func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	headers := map[string]string{}
	for name := range r.Header {
		headers[name] = r.Header.Get(name)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Echo", "yes")
	json.NewEncoder(w).Encode(map[string]any{"method": r.Method, "headers": headers, "query": r.URL.RawQuery, "body": string(body)})
}

// setCookies sets a session cookie and an HttpOnly one.
func setCookies(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: "session", Value: "abc123", Path: "/"})
	http.SetCookie(w, &http.Cookie{Name: "secret", Value: "s3", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, "<!doctype html><title>Cookies</title><p id=cookies></p><script>document.getElementById('cookies').textContent = document.cookie</script>")
}

// slow answers after ?ms= milliseconds (at most 10 s), or when the client
// goes.
func slow(w http.ResponseWriter, r *http.Request) {
	ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
	select {
	case <-time.After(time.Duration(min(ms, 10000)) * time.Millisecond):
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, "<!doctype html><title>Slow</title><p id=slow>slow "+strconv.Itoa(ms)+"</p>")
}

// download answers a small text file as an attachment named ?name=; with
// ?bytes=N, N bytes of DownloadBytes instead.
func download(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Disposition", `attachment; filename="`+r.URL.Query().Get("name")+`"`)
	n, err := strconv.Atoi(r.URL.Query().Get("bytes"))
	if err != nil {
		io.WriteString(w, "downloaded "+r.URL.Query().Get("name")+"\n")
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(n))
	body := DownloadBytes(n)
	for sent := 0; sent < n && r.Context().Err() == nil; sent += 64 << 10 {
		w.Write(body[sent:min(sent+64<<10, n)])
		http.NewResponseController(w).Flush()
	}
}

// DownloadBytes is what /download?bytes=n answers, in chunks.
func DownloadBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

// uploadEcho answers a multipart form's files as a page whose #files holds
// their names, sizes and SHA-256 sums as JSON.
func uploadEcho(w http.ResponseWriter, r *http.Request) {
	type file struct {
		Field, Name string
		Size        int
		SHA256      string
	}
	files := []file{}
	if err := r.ParseMultipartForm(8 << 20); err == nil {
		for field, heads := range r.MultipartForm.File {
			for _, h := range heads {
				f, err := h.Open()
				if err != nil {
					continue
				}
				body, _ := io.ReadAll(f)
				f.Close()
				sum := sha256.Sum256(body)
				files = append(files, file{field, h.Filename, len(body), hex.EncodeToString(sum[:])})
			}
		}
	}
	raw, _ := json.Marshal(files)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, "<!doctype html><title>Uploaded</title><pre id=files>"+html.EscapeString(string(raw))+"</pre>")
}
