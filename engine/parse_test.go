package engine

import (
	"math"
	"testing"
	"time"
)

func TestParseSelector(t *testing.T) {
	cases := []struct {
		in, css   string
		deep      bool
		frameURL  string // a URL the glob must match; "" for no glob
		otherURL  string // a URL it must not match
		wantError bool
	}{
		{in: "button.ok", css: "button.ok"},
		{in: "< button.ok", css: "button.ok", deep: true},
		{in: "<button.ok", css: "button.ok", deep: true},
		{in: "< div > *", css: "div > *", deep: true},
		{in: "< *.ok span", css: "*.ok span", deep: true},
		{in: `< a[href*="x/y"] b`, css: `a[href*="x/y"] b`, deep: true},
		{in: "< *example.com/frame* button.ok", css: "button.ok", deep: true, frameURL: "https://example.com/frame?x=1", otherURL: "https://example.org/frame"},
		{in: "< *?cross #inner", css: "#inner", deep: true, frameURL: "http://localhost:1/frame.html?cross", otherURL: "http://localhost:1/frame.html?same"},
		{in: "< https://a.test/* p", css: "p", deep: true, frameURL: "https://a.test/x", otherURL: "http://a.test/x"},
		{in: "< *frame* ", wantError: true},
	}
	for _, c := range cases {
		sel, err := parseSelector(c.in)
		if c.wantError {
			if err == nil {
				t.Errorf("%q: no error", c.in)
			}
			continue
		}
		if err != nil || sel.css != c.css || sel.deep != c.deep || (sel.frame != nil) != (c.frameURL != "") {
			t.Errorf("%q = %+v, %v; want css %q deep %v glob %v", c.in, sel, err, c.css, c.deep, c.frameURL != "")
			continue
		}
		if c.frameURL != "" && (!sel.matchesFrame(c.frameURL) || sel.matchesFrame(c.otherURL)) {
			t.Errorf("%q: the glob should match %q and not %q", c.in, c.frameURL, c.otherURL)
		}
	}
}

func TestFilterMatch(t *testing.T) {
	cases := []struct {
		f                Filter
		url, typ, method string
		status           int
		want             bool
	}{
		{Filter{}, "http://a/x", "Image", "GET", 0, true},
		{Filter{URLs: []string{"*.png"}, Any: true}, "http://a/x.png", "Image", "GET", 0, true},
		{Filter{URLs: []string{"*.png"}, Any: true}, "http://a/x.png?v=1", "Image", "GET", 0, false},
		{Filter{URLs: []string{"*/x?v=1"}, Any: true}, "http://a/x?v=1", "Image", "GET", 0, true},
		{Filter{URLs: []string{"*.css"}, Types: []string{"image"}, Any: true}, "http://a/x.png", "Image", "GET", 0, true},
		{Filter{URLs: []string{"*.css"}, Types: []string{"image"}}, "http://a/x.png", "Image", "GET", 0, false},
		{Filter{URLs: []string{"*.png"}, Methods: []string{"get"}}, "http://a/x.png", "Image", "GET", 0, true},
		{Filter{Methods: []string{"POST"}, Statuses: []int{200}}, "http://a/", "Fetch", "POST", 404, false},
		{Filter{Methods: []string{"POST"}, Statuses: []int{200}}, "http://a/", "Fetch", "POST", 0, true},
		{Filter{Statuses: []int{500}, Any: true}, "http://a/", "Fetch", "GET", 500, true},
	}
	for _, c := range cases {
		if got := c.f.compile().match(c.url, c.typ, c.method, c.status); got != c.want {
			t.Errorf("%+v on %s %s %s %d = %v, want %v", c.f, c.method, c.url, c.typ, c.status, got, c.want)
		}
	}
}

func TestParseLength(t *testing.T) {
	cases := map[string]float64{"8.5in": 8.5, "2.54cm": 1, "25.4mm": 1, "96px": 1, "48": 0.5, " 1in ": 1}
	for in, want := range cases {
		got := -1.0
		if err := parseLength(in, &got); err != nil || math.Abs(got-want) > 1e-9 {
			t.Errorf("%q = %v, %v; want %v inches", in, got, err, want)
		}
	}
	for _, bad := range []string{"wide", "-1in", "1ft"} {
		var got float64
		if err := parseLength(bad, &got); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestDelayPickStaysInRange(t *testing.T) {
	d := Delay{Min: 50 * time.Millisecond, Max: 200 * time.Millisecond}
	seen := map[bool]int{}
	for range 1000 {
		p := d.pick()
		if p < d.Min || p > d.Max {
			t.Fatalf("pick = %v, outside [%v, %v]", p, d.Min, d.Max)
		}
		seen[p < 125*time.Millisecond]++
	}
	if seen[true] == 0 || seen[false] == 0 {
		t.Errorf("1000 picks all fell on one side of the range: %v", seen)
	}
	if fixed := (Delay{Min: time.Second, Max: time.Second}).pick(); fixed != time.Second {
		t.Errorf("a fixed delay picked %v", fixed)
	}
}
