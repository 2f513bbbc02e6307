package graph

import (
	"fmt"
	"strings"
	"testing"
)

// errorCodes maps the path of each error, joined with dots, to its code.
func errorCodes(res gqlResult) map[string]string {
	out := map[string]string{}
	for _, e := range res.Errors {
		parts := make([]string, len(e.Path))
		for i, p := range e.Path {
			parts[i] = fmt.Sprint(p)
		}
		code, _ := e.Extensions["code"].(string)
		out[strings.Join(parts, ".")] = code
	}
	return out
}

// errorMessages maps each failed field's name to its error's message.
func errorMessages(res gqlResult) map[string]string {
	out := map[string]string{}
	for _, e := range res.Errors {
		if len(e.Path) > 0 {
			out[e.Path[0].(string)] = e.Message
		}
	}
	return out
}

// mutate posts a mutation and fails the test unless it answered 200.
func mutate(t *testing.T, url, query string) gqlResult {
	t.Helper()
	res := post(t, url, query, nil)
	if res.Status != 200 {
		t.Fatalf("status %d, errors %+v", res.Status, res.Errors)
	}
	return res
}

// wantErrors checks that exactly these fields failed, with these codes.
func wantErrors(t *testing.T, res gqlResult, want map[string]string) {
	t.Helper()
	got := errorCodes(res)
	for path, code := range want {
		if got[path] != code {
			t.Errorf("%s: code %q, want %q (errors %+v)", path, got[path], code, res.Errors)
		}
	}
	for path, code := range got {
		if _, ok := want[path]; !ok {
			t.Errorf("unexpected error at %s (%s): %+v", path, code, res.Errors)
		}
	}
}

// evalString is the value of an evaluate field.
func evalString(t *testing.T, res gqlResult, name string) string {
	t.Helper()
	return field[struct{ Value string }](t, res, name).Value
}
