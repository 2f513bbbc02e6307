package api

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql/internal/testutil"
)

// badRequest is one request a client should not send, and the answer the
// SPEC gives it.
type badRequest struct {
	name    string
	method  string
	path    string // S and N stand for the stealth and the plain session's ids
	body    string
	header  map[string]string
	noToken bool   // send no token at all
	chunked bool   // send the body without a Content-Length
	status  int    // expected HTTP status
	code    string // expected error code
	shape   shape  // where the code is
}

// shape says where an answer carries its error code.
type shape int

const (
	restShape  shape = iota // {"error": {"code", "message"}}
	gqlShape                // {"errors": [{"message", "extensions": {"code"}}]}
	fieldShape              // 200 with data and a field error
)

const token = "secret-token"

func rest(name, method, path, body string, status int, code string) badRequest {
	return badRequest{name: name, method: method, path: path, body: body, status: status, code: code}
}

func create400(name, body string) badRequest {
	return rest(name, "POST", "/session", body, 400, "invalid_request")
}

func patch400(name, body string) badRequest {
	return rest(name, "PATCH", "/sessions/{S}", body, 400, "invalid_request")
}

func list400(name, query string) badRequest {
	return rest(name, "GET", "/sessions?"+query, "", 400, "invalid_request")
}

// gql400 is a BrowserQL request refused before it runs, with GraphQL
// errors whose code says whether it did not parse or did not validate.
func gql400(name, body, code string) badRequest {
	return badRequest{name: name, method: "POST", path: "/sessions/{S}/bql", body: body, status: 400, code: code, shape: gqlShape}
}

const (
	unparsed    = "graphql_parse_failed"
	unvalidated = "graphql_validation_failed"
)

// field is a BrowserQL request that runs and fails in one field.
func field(name, query, code string) badRequest {
	body, _ := json.Marshal(map[string]string{"query": query})
	return badRequest{name: name, method: "POST", path: "/sessions/{S}/bql", body: string(body), status: 200, code: code, shape: fieldShape}
}

func badRequests() []badRequest {
	huge := `{"userMetadata": {"a": "` + strings.Repeat("x", 2<<20) + `"}}`
	long := strings.Repeat("x", 600)
	cases := []badRequest{
		{name: "no token", method: "GET", path: "/sessions", noToken: true, status: 401, code: "unauthorized"},
		{name: "no token on create", method: "POST", path: "/session", body: `{}`, noToken: true, status: 401, code: "unauthorized"},
		{name: "no token on stop", method: "DELETE", path: "/sessions/{S}", noToken: true, status: 401, code: "unauthorized"},
		{name: "no token on patch", method: "PATCH", path: "/sessions/{S}", body: `{"ttl": 1000}`, noToken: true, status: 401, code: "unauthorized"},
		{name: "no token on bql", method: "POST", path: "/sessions/{S}/bql", body: `{"query": "mutation { title { title } }"}`, noToken: true, status: 401, code: "unauthorized"},
		{name: "no token on pressure", method: "GET", path: "/pressure", noToken: true, status: 401, code: "unauthorized"},
		{name: "no token on metrics", method: "GET", path: "/metrics", noToken: true, status: 401, code: "unauthorized"},
		{name: "wrong bearer", method: "GET", path: "/sessions/{S}", noToken: true, header: map[string]string{"Authorization": "Bearer nope"}, status: 401, code: "unauthorized"},
		{name: "basic auth", method: "GET", path: "/sessions/{S}", noToken: true, header: map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("a:"+token))}, status: 401, code: "unauthorized"},
		{name: "wrong query token", method: "GET", path: "/sessions/{S}?token=" + token + "x", noToken: true, status: 401, code: "unauthorized"},

		create400("malformed JSON", `{`),
		create400("missing value", `{"ttl":}`),
		create400("trailing comma", `{"ttl": 1000,}`),
		create400("single quotes", `{'ttl': 1000}`),
		create400("unknown field", `{"foo": 1}`),
		create400("misspelt field", `{"stelth": true}`),
		create400("array body", `[]`),
		create400("string body", `"session"`),
		create400("two objects", `{} {}`),
		create400("empty body", ``),
		create400("ttl as string", `{"ttl": "1000"}`),
		create400("ttl as object", `{"ttl": {"ms": 1}}`),
		create400("negative ttl", `{"ttl": -1}`),
		create400("zero ttl", `{"ttl": 0}`),
		create400("ttl over max", `{"ttl": 1e300}`),
		create400("ttl that rounds to nothing", `{"ttl": 1e-300}`),
		create400("ttl out of float range", `{"ttl": 1e999}`),
		create400("stealth as string", `{"stealth": "true"}`),
		create400("headless as string", `{"headless": "no"}`),
		create400("args as string", `{"args": "--lang=de"}`),
		create400("args of numbers", `{"args": [1]}`),
		create400("remote debugging port", `{"args": ["--remote-debugging-port=9222"]}`),
		create400("remote debugging pipe", `{"args": ["--remote-debugging-pipe"]}`),
		create400("user data dir", `{"args": ["--user-data-dir=/tmp/x"]}`),
		create400("user data dir upper case", `{"args": ["--USER-DATA-DIR=/tmp/x"]}`),
		create400("profile directory", `{"args": ["--profile-directory=Other"]}`),
		create400("load extension", `{"args": ["--load-extension=/tmp/x"]}`),
		create400("no sandbox", `{"args": ["--no-sandbox"]}`),
		create400("single process", `{"args": ["--single-process"]}`),
		create400("proxy server flag", `{"args": ["--proxy-server=http://x:1"]}`),
		create400("renderer prefix", `{"args": ["--renderer-cmd-prefix=sh"]}`),
		create400("flag without dashes", `{"args": ["lang=de"]}`),
		create400("flag with newline", `{"args": ["--lang=de\n--no-sandbox"]}`),
		create400("too many flags", `{"args": [`+strings.TrimSuffix(strings.Repeat(`"--mute-audio",`, 65), ",")+`]}`),
		create400("metadata over 512", `{"userMetadata": {"a": "`+long+`"}}`),
		create400("metadata array", `{"userMetadata": [1, 2]}`),
		create400("metadata string", `{"userMetadata": "x"}`),
		create400("viewport too small", `{"viewport": {"width": 1, "height": 1}}`),
		create400("viewport negative", `{"viewport": {"width": -1280, "height": 720}}`),
		create400("viewport as string", `{"viewport": "1280x720"}`),
		create400("viewport unknown field", `{"viewport": {"width": 1280, "height": 720, "dpi": 2}}`),
		create400("proxy without port", `{"proxy": {"server": "http://proxy"}}`),
		create400("proxy file scheme", `{"proxy": {"server": "file:///etc/passwd"}}`),
		create400("proxy unknown field", `{"proxy": {"server": "http://p:1", "user": "x"}}`),
		create400("browser firefox", `{"browser": "firefox"}`),
		create400("timezone", `{"timezone": "Nowhere/City"}`),
		create400("locale", `{"locale": "%%%"}`),
		create400("startUrl file", `{"startUrl": "file:///etc/passwd"}`),
		create400("startUrl javascript", `{"startUrl": "javascript:alert(1)"}`),
		create400("userAgent newline", `{"userAgent": "a\r\nX-Evil: 1"}`),
		create400("invalid UTF-8 key", "{\"ttl\xff\": 1}"),
		rest("malformed JSON on the alias", "POST", "/sessions", `{"ttl"`, 400, "invalid_request"),
		rest("body over 1 MiB", "POST", "/session", huge, 413, "payload_too_large"),

		rest("unknown id", "GET", "/sessions/nope", "", 404, "session_not_found"),
		rest("stop unknown id", "DELETE", "/sessions/nope", "", 404, "session_not_found"),
		rest("patch unknown id", "PATCH", "/sessions/nope", `{"ttl": 1000}`, 404, "session_not_found"),
		rest("bql on unknown id", "POST", "/sessions/nope/bql", `{"query": "mutation { title { title } }"}`, 404, "session_not_found"),
		{name: "playground of unknown id", method: "GET", path: "/sessions/nope/bql", header: map[string]string{"Accept": "text/html"}, status: 404, code: "session_not_found"},
		rest("encoded dot-dot id", "GET", "/sessions/..%2F..%2Fetc%2Fpasswd", "", 404, "session_not_found"),
		rest("stop encoded dot-dot id", "DELETE", "/sessions/..%2Fprofiles", "", 404, "session_not_found"),
		rest("stop dot-dot-dot", "DELETE", "/sessions/...", "", 404, "session_not_found"),
		rest("encoded NUL in id", "GET", "/sessions/{S}%00", "", 404, "session_not_found"),
		rest("very long id", "GET", "/sessions/"+strings.Repeat("a", 5000), "", 404, "session_not_found"),
		rest("dot-dot out of the API", "GET", "/sessions/{S}/../../etc/passwd", "", 404, "not_found"),
		rest("unknown endpoint", "GET", "/admin", "", 404, "not_found"),
		rest("unknown sub-resource", "GET", "/sessions/{S}/files", "", 404, "not_found"),
		rest("PUT a session", "PUT", "/sessions/{S}", `{}`, 405, "method_not_allowed"),
		rest("DELETE the collection", "DELETE", "/sessions", "", 405, "method_not_allowed"),
		rest("POST a session", "POST", "/sessions/{S}", `{}`, 405, "method_not_allowed"),

		patch400("empty patch", `{}`),
		patch400("negative ttl", `{"ttl": -5}`),
		patch400("zero ttl", `{"ttl": 0}`),
		patch400("ttl that rounds to nothing", `{"ttl": 1e-12}`),
		patch400("ttl over max", `{"ttl": 1e15}`),
		patch400("ttl as string", `{"ttl": "1h"}`),
		patch400("unknown field", `{"ttl": 1000, "status": "live"}`),
		patch400("stealth cannot change", `{"stealth": false}`),
		patch400("metadata over 512", `{"userMetadata": {"a": "`+long+`"}}`),
		patch400("metadata array", `{"userMetadata": []}`),
		patch400("malformed JSON", `{"ttl": 10`),
		patch400("two objects", `{"ttl": 1000}{"ttl": 2000}`),
		rest("patch body over 1 MiB", "PATCH", "/sessions/{S}", huge, 413, "payload_too_large"),

		list400("unknown status", "status=dead"),
		list400("zero limit", "limit=0"),
		list400("negative limit", "limit=-1"),
		list400("limit not a number", "limit=ten"),
		list400("limit too large", "limit=100000"),
		list400("q without prefix", "q=order:'x'"),
		list400("q without value", "q="+pathEscape(`user_metadata['a']`)),
		list400("q unclosed", "q="+pathEscape(`user_metadata['a']:'b`)),
		list400("q unquoted", "q="+pathEscape(`user_metadata[a]:b`)),
		list400("q trailing text", "q="+pathEscape(`user_metadata['a']:'b' or 1=1`)),
		list400("garbage cursor", "cursor=!!!"),
		list400("forged cursor", "cursor="+base64.RawURLEncoding.EncodeToString([]byte("x.y"))),

		gql400("not JSON", `query`, "invalid_request"),
		gql400("query not a string", `{"query": 5}`, "invalid_request"),
		gql400("syntax error", `{"query": "mutation {"}`, unparsed),
		gql400("empty query", `{"query": ""}`, unvalidated),
		gql400("unknown mutation", `{"query": "mutation { explode { time } }"}`, unvalidated),
		gql400("unknown argument", `{"query": "mutation { goto(url: \"http://x\", bogus: 1) { status } }"}`, unvalidated),
		gql400("missing argument", `{"query": "mutation { goto { status } }"}`, unvalidated),
		gql400("wrong argument type", `{"query": "mutation { goto(url: 5) { status } }"}`, unvalidated),
		gql400("no selection", `{"query": "mutation { goto(url: \"http://x\") }"}`, unvalidated),
		gql400("undefined variable", `{"query": "mutation { goto(url: $u) { status } }"}`, unvalidated),
		gql400("variable of the wrong type", `{"query": "mutation($u: String!) { goto(url: $u) { status } }", "variables": {"u": {"a": 1}}}`, unvalidated),
		gql400("missing variable", `{"query": "mutation($u: String!) { goto(url: $u) { status } }"}`, unvalidated),
		gql400("unknown operation name", `{"query": "mutation A { title { title } }", "operationName": "B"}`, unvalidated),
		gql400("two anonymous operations", `{"query": "mutation { title { title } } mutation { url { url } }"}`, unvalidated),
		gql400("bad enum", `{"query": "mutation { goto(url: \"http://x\", waitUntil: soon) { status } }"}`, unvalidated),
		rest("bql body over 1 MiB", "POST", "/sessions/{S}/bql", `{"query": "`+strings.Repeat(" ", 2<<20)+`"}`, 413, "payload_too_large"),
		{name: "bql body over 1 MiB, chunked", method: "POST", path: "/sessions/{S}/bql", body: `{"query": "` + strings.Repeat(" ", 2<<20) + `"}`, chunked: true, status: 413, code: "payload_too_large"},
		{name: "create body over 1 MiB, chunked", method: "POST", path: "/session", body: huge, chunked: true, status: 413, code: "payload_too_large"},
		{name: "patch body over 1 MiB, chunked", method: "PATCH", path: "/sessions/{S}", body: huge, chunked: true, status: 413, code: "payload_too_large"},
		rest("bql on a plain session", "POST", "/sessions/{N}/bql", `{"query": "mutation {"}`, 400, "stealth_required"),
		rest("playground without Accept html", "GET", "/sessions/{S}/bql", "", 400, "invalid_request"),

		field("selector that does not parse", `mutation { click(selector: "div[[[", timeout: 2000) { time } }`, "invalid_argument"),
		field("selector that matches nothing", `mutation { click(selector: "#nothing-here", timeout: 300) { time } }`, "selector_not_found"),
		field("deep selector that does not parse", `mutation { click(selector: "< :::", timeout: 2000) { time } }`, "invalid_argument"),
		field("evaluate that throws", `mutation { evaluate(content: "throw new Error('boom')") { value } }`, "evaluation_failed"),
		field("evaluate that never resolves", `mutation { evaluate(content: "await new Promise(() => {})", timeout: 300) { value } }`, "timeout"),
		field("evaluate with a syntax error", `mutation { evaluate(content: "return )(") { value } }`, "evaluation_failed"),
		field("negative timeout", `mutation { evaluate(content: "1", timeout: -1) { value } }`, "invalid_argument"),
		field("goto an unreachable port", `mutation { goto(url: "http://127.0.0.1:1/", timeout: 5000) { status } }`, "navigation_failed"),
		field("goto a malformed URL", `mutation { goto(url: "http://[::1", timeout: 5000) { status } }`, "navigation_failed"),
	}
	return cases
}

func pathEscape(s string) string {
	return strings.NewReplacer("%", "%25", "'", "%27", "[", "%5B", "]", "%5D", " ", "%20", "=", "%3D", ":", "%3A").Replace(s)
}

// connectCases are the WebSocket upgrades that must be refused.
func connectCases() []badRequest {
	ws := map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
	return []badRequest{
		{name: "upgrade for an unknown id", method: "GET", path: "/sessions/nope/connect", header: ws, status: 404, code: "session_not_found"},
		{name: "upgrade without token", method: "GET", path: "/sessions/{S}/connect", header: ws, noToken: true, status: 401, code: "unauthorized"},
		{name: "upgrade with a wrong token", method: "GET", path: "/sessions/{S}/connect?token=nope", header: ws, noToken: true, status: 401, code: "unauthorized"},
		{name: "upgrade for a dot-dot id", method: "GET", path: "/sessions/..%2F..%2Fetc/connect", header: ws, status: 404, code: "session_not_found"},
		{name: "connect without an upgrade", method: "GET", path: "/sessions/{S}/connect", status: 400, code: "invalid_request"},
		{name: "upgrade with POST", method: "POST", path: "/sessions/{S}/connect", header: ws, status: 405, code: "method_not_allowed"},
		{name: "upgrade of an unknown version", method: "GET", path: "/sessions/{S}/connect", header: with(ws, "Sec-WebSocket-Version", "8"), status: 400, code: "invalid_request"},
		{name: "upgrade without a key", method: "GET", path: "/sessions/{S}/connect", header: with(ws, "Sec-WebSocket-Key", ""), status: 400, code: "invalid_request"},
		{name: "upgrade from another site's page", method: "GET", path: "/sessions/{S}/connect", header: with(ws, "Origin", "http://evil.example"), status: 403, code: "forbidden_origin"},
	}
}

// with is a copy of h with one header changed.
func with(h map[string]string, key, value string) map[string]string {
	out := map[string]string{key: value}
	for k, v := range h {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// TestBadInput sends every bad request of the table and checks its answer
// against the SPEC. Afterwards the server is healthy, neither session
// changed, and no browser, goroutine or file descriptor is left over.
func TestBadInput(t *testing.T) {
	srv := newServer(t, func(_ *sessionsConfig, c *Config) { c.Token = token })
	stealth := createWithToken(t, srv, map[string]any{"stealth": true, "userMetadata": map[string]any{"k": "v"}})
	plain := createWithToken(t, srv, map[string]any{})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	cases := badRequests()
	if hasRoute(srv, "/sessions/{id}/connect") {
		cases = append(cases, connectCases()...)
	} else {
		t.Log("no connect route yet: the WebSocket upgrade cases are skipped")
	}
	if len(cases) < 100 {
		t.Fatalf("only %d cases", len(cases))
	}
	send(t, client, srv, stealth, plain, field("warm-up", `mutation { goto(url: "about:blank") { status } }`, ""))
	before := snapshotSessions(t, srv, stealth, plain)
	goroutines, fds := runtime.NumGoroutine(), openFDs()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check(t, c, send(t, client, srv, stealth, plain, c)) })
	}
	if r := do(t, "GET", srv.URL+"/healthz?token="+token, nil); r.Status != 200 {
		t.Errorf("healthz after the bad input: %d", r.Status)
	}
	if after := snapshotSessions(t, srv, stealth, plain); after != before {
		t.Errorf("the sessions changed:\nbefore %s\nafter  %s", before, after)
	}
	checkOnlyBrowser(t, srv.dataDir, stealth)
	waitUntil(t, "goroutines and file descriptors settle", func() bool {
		return runtime.NumGoroutine() <= goroutines && openFDs() <= fds
	})
}

func createWithToken(t *testing.T, srv *server, body any) string {
	t.Helper()
	r := do(t, "POST", srv.URL+"/session?token="+token, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	return decodeAs[sessionJSON](t, r).ID
}

func hasRoute(srv *server, pattern string) bool {
	found := false
	chi.Walk(NewRouter(srv.api, srv.svc, nil).(chi.Routes), func(_, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		found = found || route == pattern
		return nil
	})
	return found
}

func send(t *testing.T, client *http.Client, srv *server, stealth, plain string, c badRequest) response {
	t.Helper()
	path := strings.NewReplacer("{S}", stealth, "{N}", plain).Replace(c.path)
	if !c.noToken {
		sep := map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")]
		path += sep + "token=" + token
	}
	var body io.Reader = strings.NewReader(c.body)
	if c.chunked {
		body = io.MultiReader(body) // hides the length
	}
	req, err := http.NewRequest(c.method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

func check(t *testing.T, c badRequest, r response) {
	t.Helper()
	if r.Status != c.status {
		t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var body struct {
		Error  *struct{ Code, Message string }
		Data   map[string]json.RawMessage
		Errors []struct {
			Message    string
			Path       []any
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("not JSON: %s", r.Body)
	}
	switch c.shape {
	case restShape:
		if body.Error == nil || body.Error.Code != c.code || len(body.Error.Message) < 10 {
			t.Errorf("want {\"error\": {\"code\": %q, \"message\": ...}}, got %s", c.code, r.Body)
		}
	case gqlShape:
		if len(body.Errors) == 0 || body.Errors[0].Extensions["code"] != c.code || body.Errors[0].Message == "" {
			t.Errorf("want GraphQL errors with code %q, got %s", c.code, r.Body)
		}
	case fieldShape:
		if c.code == "" {
			return
		}
		if len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != c.code || len(body.Errors[0].Path) != 1 {
			t.Errorf("want one field error with code %q and a path, got %s", c.code, r.Body)
		}
	}
}

// snapshotSessions is every session as the API shows it, minus its status,
// which waking may change.
func snapshotSessions(t *testing.T, srv *server, ids ...string) string {
	t.Helper()
	var out []string
	for _, id := range ids {
		r := do(t, "GET", srv.URL+"/sessions/"+id+"?token="+token, nil)
		var v map[string]any
		json.Unmarshal(r.Body, &v)
		delete(v, "status")
		raw, _ := json.Marshal(v)
		out = append(out, string(raw))
	}
	p := decodeAs[map[string]any](t, do(t, "GET", srv.URL+"/pressure?token="+token, nil))
	return strings.Join(out, "\n") + "\nsessions: " + string(must(json.Marshal(p["sessions"])))
}

func must[T any](v T, _ error) T { return v }

// checkOnlyBrowser fails the test if a Chromium process runs for anything
// but the given session, or a profile exists for an unknown one.
func checkOnlyBrowser(t *testing.T, dataDir, id string) {
	t.Helper()
	for _, p := range testutil.Processes(dataDir) {
		// A browser's crash handler names the launch's temp dir, not the profile.
		if !strings.Contains(p, filepath.Join(dataDir, "profiles", id)) && !strings.Contains(p, "chrome_crashpad_handler") {
			t.Errorf("an unexpected browser runs: %s", p)
		}
	}
	dirs, _ := os.ReadDir(filepath.Join(dataDir, "profiles"))
	for _, d := range dirs {
		if d.Name() != id {
			t.Errorf("an unexpected profile exists: %s", d.Name())
		}
	}
}

// openFDs counts this process's open file descriptors.
func openFDs() int {
	fds, _ := os.ReadDir("/proc/self/fd")
	return len(fds)
}
