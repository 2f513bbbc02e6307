package graph

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

func TestNetworkMutations(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		reject(type: [image], url: ["*.css"]) { enabled time }
		goto(url: "`+pages.URL+`/network.html") { status }
		request(type: [document, fetch]) { url method type headers { name value } postData }
		posts: request(method: [POST], url: ["*/echo*"], operator: and) { url postData }
		none: request(method: [PUT], url: ["*/echo*"], operator: and, wait: false) { url }
		late: response(url: ["*/late.json"], wait: true) { url status statusText method type mimeType headers { name value } body base64Encoded }
		echo: response(url: ["*/echo*"], status: [200], operator: and) { status body headers { name value } }
		blocked: response(type: [image, stylesheet], wait: false) { url }
		image: evaluate(content: "document.getElementById('pixel').naturalWidth") { value }
		failed: request(type: [image, stylesheet]) { url type }
		stop: reject(enabled: false) { enabled }
		img: goto(url: "`+pages.URL+`/pixel.png") { status }
		binary: response(url: ["*/pixel.png"]) { body base64Encoded }
		noFilter: reject(enabled: true) { enabled }
		waitNone: request(url: ["*/never"], wait: true, timeout: 300) { url }
	}`)
	wantErrors(t, res, map[string]string{"noFilter": "invalid_argument", "waitNone": "timeout"})
	reqs := field[[]struct {
		URL, Method, Type string
		Headers           []header
		PostData          *string
	}](t, res, "request")
	if len(reqs) != 2 || reqs[0].Type != "document" || reqs[0].URL != pages.URL+"/network.html" || reqs[1].Type != "fetch" || reqs[1].Method != "POST" || len(reqs[0].Headers) == 0 {
		t.Errorf("request(type: [document, fetch]) = %+v", reqs)
	}
	if posts := field[[]struct{ URL, PostData string }](t, res, "posts"); len(posts) != 1 || posts[0].PostData != "hello=1" {
		t.Errorf("POST requests to /echo = %+v", posts)
	}
	if none := field[[]any](t, res, "none"); len(none) != 0 {
		t.Errorf("operator and must need every list to match: %v", none)
	}
	late := field[[]struct {
		URL, StatusText, Method, Type, MimeType, Body string
		Status                                        int
		Base64Encoded                                 bool
	}](t, res, "late")
	if len(late) != 1 || late[0].Status != 200 || late[0].Body != `{"late": true}`+"\n" || late[0].Base64Encoded || late[0].Type != "fetch" || late[0].MimeType != "application/json" {
		t.Errorf("response(wait: true) for the late request = %+v", late)
	}
	echo := field[[]struct {
		Status  int
		Body    string
		Headers []header
	}](t, res, "echo")
	if len(echo) != 1 || !strings.Contains(echo[0].Body, `"body":"hello=1"`) || !hasHeader(echo[0].Headers, "X-Echo", "yes") {
		t.Errorf("the echo response = %+v", echo)
	}
	if b := field[[]any](t, res, "blocked"); len(b) != 0 {
		t.Errorf("rejected requests got responses: %v", b)
	}
	if w := evalString(t, res, "image"); w != "0" {
		t.Errorf("the rejected image loaded (naturalWidth %s)", w)
	}
	if f := field[[]struct{ URL, Type string }](t, res, "failed"); len(f) != 2 {
		t.Errorf("the page still asked for the image and the stylesheet: %+v", f)
	}
	if s := field[struct{ Enabled bool }](t, res, "stop"); s.Enabled {
		t.Errorf("reject(enabled: false) = %+v", s)
	}
	if img := field[struct{ Status int }](t, res, "img"); img.Status != 200 {
		t.Errorf("after reject(enabled: false) the image answered %d", img.Status)
	}
	bin := field[[]struct {
		Body          string
		Base64Encoded bool
	}](t, res, "binary")
	if raw, _ := base64.StdEncoding.DecodeString(value(firstOf(bin)).Body); len(bin) != 1 || !bin[0].Base64Encoded || !strings.HasPrefix(string(raw), "\x89PNG") {
		t.Errorf("a binary body = %+v", bin)
	}
}

func TestRejectEndsWithTheRequest(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		reject(url: ["*/pixel.png"], method: [GET], operator: and) { enabled }
		goto(url: "`+pages.URL+`/network.html") { status }
		width: evaluate(content: "document.getElementById('pixel').naturalWidth") { value }
	}`)
	wantErrors(t, res, nil)
	if w := evalString(t, res, "width"); w != "0" {
		t.Errorf("the rejected image loaded: %s", w)
	}
	res = mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/network.html", waitUntil: networkIdle) { status }
		width: evaluate(content: "document.getElementById('pixel').naturalWidth") { value }
		request(url: ["*/echo*"]) { url }
		response(url: ["*/network.html"]) { status }
	}`)
	wantErrors(t, res, nil)
	if w := evalString(t, res, "width"); w != "10" {
		t.Errorf("in the next request the image is still blocked (naturalWidth %s)", w)
	}
	var reqs []any
	json.Unmarshal(res.Data["request"], &reqs)
	if len(reqs) != 1 {
		t.Errorf("the second request sees %d requests to /echo, want only its own one", len(reqs))
	}
}

// header is an HTTP header as a result lists it.
type header struct{ Name, Value string }

func hasHeader(hs []header, name, value string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) && h.Value == value {
			return true
		}
	}
	return false
}

func firstOf[T any](list []T) *T {
	if len(list) == 0 {
		return nil
	}
	return &list[0]
}
