package api

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// openAPI is the validator of api/openapi.json, built once per test binary;
// a mutex keeps validations one at a time.
var openAPI = struct {
	once sync.Once
	mu   sync.Mutex
	v    validator.Validator
	err  error
}{}

func openAPIValidator() (validator.Validator, error) {
	openAPI.once.Do(func() {
		doc, err := libopenapi.NewDocument(OpenAPI)
		if err != nil {
			openAPI.err = err
			return
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			openAPI.err = fmt.Errorf("%v", errs)
		}
		openAPI.v = v
	})
	return openAPI.v, openAPI.err
}

// maxValidatedBody is the largest answer whose body is checked; larger
// ones (screenshots, PDFs in BrowserQL answers) are checked for status and
// content type only.
const maxValidatedBody = 8 << 20

// validated checks every answer h gives against api/openapi.json and
// fails t on one that does not match, so that the document cannot drift
// from the code: every api test's server is wrapped in it. WebSocket
// upgrades, CORS preflights and the static files of the playground and the
// live view and dashboard (/ui/) are left
// out; an answer on a path the document does not have must be a refusal
// in the error shape.
func validated(t testing.TB, h http.Handler) http.Handler {
	v, err := openAPIValidator()
	if err != nil {
		t.Fatalf("api/openapi.json: %v", err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" || r.Method == http.MethodOptions || strings.HasPrefix(r.URL.Path, "/playground/") || strings.HasPrefix(r.URL.Path, "/ui/") {
			h.ServeHTTP(w, r)
			return
		}
		body := &cappedBuffer{}
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		ww.Tee(body)
		h.ServeHTTP(ww, r)
		if problems := checkAnswer(v, r, ww, body); problems != "" {
			t.Errorf("%s %s answered %d, which api/openapi.json does not describe: %s\nbody: %.500s", r.Method, r.URL.Path, ww.Status(), problems, body.b.Bytes())
		}
	})
}

// checkAnswer validates one recorded answer and says what does not match.
func checkAnswer(v validator.Validator, r *http.Request, ww middleware.WrapResponseWriter, body *cappedBuffer) string {
	status := ww.Status()
	if status == 0 {
		status = http.StatusOK
	}
	if body.over {
		return "" // too large to check here
	}
	resp := &http.Response{StatusCode: status, Header: ww.Header(), Body: io.NopCloser(bytes.NewReader(body.b.Bytes())), Request: r}
	openAPI.mu.Lock()
	ok, errs := v.ValidateHttpResponse(r, resp)
	openAPI.mu.Unlock()
	if ok {
		return ""
	}
	var out []string
	for _, e := range errs {
		if (e.IsPathMissingError() || e.IsOperationMissingError()) && (status == http.StatusNotFound || status == http.StatusMethodNotAllowed || status == http.StatusUnauthorized) && bytes.Contains(body.b.Bytes(), []byte(`{"error":{"code":"`)) {
			continue
		}
		msg := e.Message + ": " + e.Reason
		for _, se := range e.SchemaValidationErrors {
			msg += "; " + se.Reason + " at " + se.FieldPath
		}
		out = append(out, msg)
	}
	return strings.Join(out, " | ")
}

// cappedBuffer keeps up to maxValidatedBody bytes and notes when there
// were more.
type cappedBuffer struct {
	b    bytes.Buffer
	over bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.over || c.b.Len()+len(p) > maxValidatedBody {
		c.over = true
		return len(p), nil
	}
	return c.b.Write(p)
}

// TestOpenAPIDocument checks that api/openapi.json is a valid OpenAPI 3.1
// document, that /openapi.json serves it, and that it has every route the
// router has.
func TestOpenAPIDocument(t *testing.T) {
	v, err := openAPIValidator()
	if err != nil {
		t.Fatal(err)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("api/openapi.json: %s: %s", e.Message, e.Reason)
		}
	}
	srv := newServer(t)
	r := do(t, "GET", srv.URL+"/openapi.json", nil)
	if r.Status != 200 || !bytes.Equal(r.Body, OpenAPI) {
		t.Errorf("/openapi.json: %d, %d bytes", r.Status, len(r.Body))
	}
	if !bytes.Contains(OpenAPI, []byte(`"openapi": "3.1`)) {
		t.Error("api/openapi.json is not OpenAPI 3.1")
	}
}
