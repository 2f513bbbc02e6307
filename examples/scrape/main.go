// Command scrape reads a small blog it serves itself with BrowserQL: the
// list of articles with their links and tags (mapSelector, nested), the
// first article's page (its link exported with @export and used as ${first}),
// and a PDF of that page.
//
// It needs a running sessionql (scripts/run.sh):
//
//	SESSIONQL=http://127.0.0.1:3000 TOKEN=... go run ./examples/scrape
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
)

const home = `<!doctype html><title>Blog</title><h1>Field notes</h1>
<article data-score="12"><h2><a href="/posts/pipes">Pipes, not ports</a></h2><span class="tag">chromium</span><span class="tag">security</span></article>
<article data-score="7"><h2><a href="/posts/sessions">Sessions that sleep</a></h2><span class="tag">design</span></article>`

const post = `<!doctype html><title>Pipes, not ports</title><h1>Pipes, not ports</h1>
<p id="summary">A browser that speaks DevTools over a pipe has no port to find.</p>`

const query = `mutation Scrape($home: String!) {
  goto(url: $home, waitUntil: networkIdle) { status }
  heading: text(selector: "h1") { text }
  articles: mapSelector(selector: "article") {
    score: attribute(name: "data-score") { value }
    link: mapSelector(selector: "h2 a") { innerText href: attribute(name: "href") { value } }
    tags: mapSelector(selector: ".tag") { innerText }
  }
  first: evaluate(content: "document.querySelector('article h2 a').href") { value @export(as: "first") }
  open: goto(url: "${first}") { status url }
  summary: text(selector: "#summary") { text }
  pdf(format: a4, printBackground: true) { base64 size }
}`

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "scrape:", err)
		os.Exit(1)
	}
}

func run() error {
	site, err := serve(map[string]string{"/": home, "/posts/pipes": post})
	if err != nil {
		return err
	}
	c := client{server: env("SESSIONQL", "http://127.0.0.1:3000"), token: os.Getenv("TOKEN")}
	var session struct{ ID, BrowserQL, Stop string }
	if err := c.call("POST", c.server+"/session", map[string]any{"stealth": true}, &session); err != nil {
		return err
	}
	defer c.call("DELETE", session.Stop, nil, nil)
	var res struct {
		Data struct {
			Articles json.RawMessage
			Open     struct{ URL string }
			Summary  struct{ Text string }
			PDF      struct {
				Base64 string
				Size   int
			}
		}
		Errors []struct{ Message string }
	}
	if err := c.call("POST", session.BrowserQL, map[string]any{"query": query, "variables": map[string]string{"home": site + "/"}}, &res); err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("the query failed: %v", res.Errors)
	}
	return report(res.Data.Articles, res.Data.Open.URL, res.Data.Summary.Text, res.Data.PDF.Base64)
}

// report prints what was read and saves the PDF.
func report(articles json.RawMessage, opened, summary, pdf string) error {
	var pretty bytes.Buffer
	json.Indent(&pretty, articles, "", "  ")
	fmt.Printf("articles:\n%s\n", pretty.String())
	fmt.Printf("opened %s: %s\n", opened, summary)
	doc, err := base64.StdEncoding.DecodeString(pdf)
	if err != nil || !bytes.HasPrefix(doc, []byte("%PDF")) {
		return fmt.Errorf("the pdf is not a PDF")
	}
	out := filepath.Join(os.TempDir(), "sessionql-scrape.pdf")
	if err := os.WriteFile(out, doc, 0o644); err != nil {
		return err
	}
	fmt.Printf("saved %s (%d bytes)\n", out, len(doc))
	if summary == "" {
		return fmt.Errorf("the first article's summary was empty")
	}
	return nil
}

// serve answers the pages on a free local port and returns its URL.
func serve(pages map[string]string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	return "http://" + ln.Addr().String(), nil
}

// client speaks to the sessionql REST API and BrowserQL endpoints.
type client struct{ server, token string }

func (c client) call(method, url string, body, out any) error {
	var buf bytes.Buffer
	if body != nil {
		json.NewEncoder(&buf).Encode(body)
	}
	req, err := http.NewRequest(method, url, &buf)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Code, Message string }
		}
		json.NewDecoder(resp.Body).Decode(&e)
		return fmt.Errorf("%s %s: %d %s: %s", method, url, resp.StatusCode, e.Error.Code, e.Error.Message)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
