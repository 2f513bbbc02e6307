// Command form fills in and sends a sign-up form it serves itself, as a
// person would: it types into the fields with real key events, picks a plan,
// ticks the terms box, clicks the button and waits for the next page. The
// server side checks what arrived.
//
// It needs a running sessionql (scripts/run.sh):
//
//	SESSIONQL=http://127.0.0.1:3000 TOKEN=... go run ./examples/form
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"
)

const signup = `<!doctype html><title>Sign up</title>
<form method="post" action="/signup">
  <label>Name <input id="name" name="name"></label>
  <label>Email <input id="email" name="email" type="email"></label>
  <label>Plan <select id="plan" name="plan"><option value="free">Free</option><option value="pro">Pro</option></select></label>
  <label><input id="terms" name="terms" type="checkbox" value="yes"> I accept the terms</label>
  <button type="submit">Create account</button>
</form>`

const query = `mutation SignUp($page: String!) {
  goto(url: $page) { status }
  name: type(selector: "#name", text: "Ada Lovelace") { time }
  email: type(selector: "#email", text: "ada@example.com", delay: [30, 90]) { time }
  plan: select(selector: "#plan", value: "pro") { value }
  terms: checkbox(selector: "#terms", checked: true) { time }
  submit: click(selector: "button[type=submit]") { time }
  waitForNavigation { status url }
  thanks: text(selector: "#thanks") { text }
}`

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "form:", err)
		os.Exit(1)
	}
}

func run() error {
	received := make(chan url.Values, 1)
	site, err := serve(received)
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
			WaitForNavigation struct {
				Status int
				URL    string
			}
			Thanks struct{ Text string }
		}
		Errors []struct{ Message string }
	}
	if err := c.call("POST", session.BrowserQL, map[string]any{"query": query, "variables": map[string]string{"page": site + "/"}}, &res); err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("the query failed: %v", res.Errors)
	}
	fmt.Printf("landed on %s (%d): %s\n", res.Data.WaitForNavigation.URL, res.Data.WaitForNavigation.Status, res.Data.Thanks.Text)
	select {
	case got := <-received:
		return check(got)
	case <-time.After(5 * time.Second):
		return fmt.Errorf("the form never reached the server")
	}
}

// check compares what the form sent with what was typed and chosen.
func check(got url.Values) error {
	want := url.Values{"name": {"Ada Lovelace"}, "email": {"ada@example.com"}, "plan": {"pro"}, "terms": {"yes"}}
	if got.Encode() != want.Encode() {
		return fmt.Errorf("the server received %v, want %v", got, want)
	}
	fmt.Println("the server received", got.Encode())
	return nil
}

// serve answers the form and its target on a free local port.
func serve(received chan<- url.Values) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, signup) })
	mux.HandleFunc("POST /signup", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		select {
		case received <- r.PostForm:
		default:
		}
		fmt.Fprintf(w, `<!doctype html><title>Welcome</title><p id="thanks">Welcome, %s!</p>`, r.PostForm.Get("name"))
	})
	go http.Serve(ln, mux)
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
