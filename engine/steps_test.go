package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/internal/testutil"
)

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var app *sessionql.Error
	if !errors.As(err, &app) || app.Code != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}

func TestGoto(t *testing.T) {
	srv := testutil.ServePages(t)
	p := newPage(t)
	ctx := context.Background()
	for _, until := range []WaitUntil{Load, DOMContentLoaded, NetworkIdle, Commit} {
		res, err := p.Goto(ctx, srv.URL+"/docs", until, 10*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", until, err)
		}
		if res.Status != 200 || res.StatusText != "OK" || res.URL != srv.URL+"/docs/" {
			t.Errorf("%s: response = %+v, want 200 OK at %s/docs/ after the redirect", until, res, srv.URL)
		}
	}
	res, err := p.Goto(ctx, srv.URL+"/nope", Load, 10*time.Second)
	if err != nil || res.Status != 404 {
		t.Errorf("missing page: %+v, %v; want status 404 and no error", res, err)
	}
	_, err = p.Goto(ctx, "http://127.0.0.1:1/", Load, 10*time.Second)
	wantCode(t, err, sessionql.CodeNavigationFailed)
}

func TestGotoNetworkIdleWaitsForLateRequest(t *testing.T) {
	srv := testutil.ServePages(t)
	p := newPage(t)
	ctx := context.Background()
	if _, err := p.Goto(ctx, srv.URL+"/docs/", NetworkIdle, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	v, err := p.Evaluate(ctx, "window.late === true", time.Second)
	if err != nil || v == nil || *v != "true" {
		t.Errorf("after networkIdle the late request's result = %v, %v; want true", v, err)
	}
}

func TestGotoTimeout(t *testing.T) {
	p := newPage(t)
	srv := testutil.ServePages(t)
	_, err := p.Goto(context.Background(), srv.URL+"/docs/", InteractiveTime, time.Nanosecond)
	wantCode(t, err, sessionql.CodeTimeout)
}

func TestClick(t *testing.T) {
	srv := testutil.ServePages(t)
	p := newPage(t)
	ctx := context.Background()
	if _, err := p.Goto(ctx, srv.URL+"/click.html", Load, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	box, err := p.Click(ctx, "#far", LocateOptions{Scroll: true, Wait: true}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := p.Evaluate(ctx, "JSON.stringify(window.clicked)", time.Second)
	want := fmt.Sprintf(`{"x":%d,"y":%d,"trusted":true}`, int(box.X), int(box.Y))
	if got == nil || *got != want || box.X != 50 || box.Y < 100 || box.Y > 700 {
		t.Errorf("click at %+v: page saw %v; want %s, a trusted click at the centre of the scrolled-to button", box, deref(got), want)
	}
	if _, err := p.Click(ctx, "#late", LocateOptions{Scroll: true, Wait: true}, 5*time.Second); err != nil {
		t.Errorf("a button that appears late: %v", err)
	}
	if v, _ := p.Evaluate(ctx, "window.lateClicked", time.Second); v == nil || *v != "true" {
		t.Errorf("late button click not seen: %v", v)
	}
}

func TestClickErrors(t *testing.T) {
	srv := testutil.ServePages(t)
	p := newPage(t)
	ctx := context.Background()
	if _, err := p.Goto(ctx, srv.URL+"/click.html", Load, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		selector string
		opts     LocateOptions
		code     string
	}{
		{"#missing", LocateOptions{Wait: true}, sessionql.CodeSelectorNotFound},
		{"#missing", LocateOptions{Wait: false}, sessionql.CodeSelectorNotFound},
		{"#hidden", LocateOptions{Wait: true, Visible: true}, sessionql.CodeSelectorNotFound},
		{"div[", LocateOptions{Wait: true}, sessionql.CodeInvalidArgument},
	}
	for _, c := range cases {
		_, err := p.Click(ctx, c.selector, c.opts, 500*time.Millisecond)
		wantCode(t, err, c.code)
	}
}

func TestEvaluate(t *testing.T) {
	p := newPage(t)
	ctx := context.Background()
	cases := []struct {
		content string
		want    any // string, nil, or an error code
	}{
		{"2 + 2", "4"},
		{"'plain string'", "plain string"},
		{"document.title;", ""},
		{"return 40 + 2;", "42"},
		{"const a = await Promise.resolve({x: [1, 'y']}); return a;", `{"x":[1,"y"]}`},
		{"undefined", nil},
		{"null", nil},
		{"localStorage.setItem('k', 'v'); return localStorage.getItem('k');", sessionql.CodeEvaluationFailed}, // about:blank has no storage
		{"throw new Error('boom')", sessionql.CodeEvaluationFailed},
		{"await Promise.reject(new TypeError('nope'))", sessionql.CodeEvaluationFailed},
		{"JSON.parse('{')", sessionql.CodeEvaluationFailed},
		{"this is not javascript", sessionql.CodeEvaluationFailed},
		{"1 / 0", "Infinity"},
	}
	for _, c := range cases {
		got, err := p.Evaluate(ctx, c.content, 5*time.Second)
		switch want := c.want.(type) {
		case nil:
			if err != nil || got != nil {
				t.Errorf("%q = %v, %v; want null", c.content, got, err)
			}
		case string:
			if strings.HasSuffix(want, "_failed") {
				wantCode(t, err, want)
				continue
			}
			if err != nil || got == nil || *got != want {
				t.Errorf("%q = %v, %v; want %q", c.content, deref(got), err, want)
			}
		}
	}
}

func TestEvaluateMessageAndTimeout(t *testing.T) {
	p := newPage(t)
	_, err := p.Evaluate(context.Background(), "throw new Error('boom')", 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "Error: boom") {
		t.Errorf("error = %v; want the exception's message", err)
	}
	_, err = p.Evaluate(context.Background(), "await new Promise(() => {})", 300*time.Millisecond)
	wantCode(t, err, sessionql.CodeTimeout)
	if v, err := p.Evaluate(context.Background(), "1", time.Second); err != nil || *v != "1" {
		t.Errorf("the page must still work after a timed-out script: %v, %v", v, err)
	}
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
