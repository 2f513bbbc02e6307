package graph

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
	"golang.org/x/image/webp"
)

func TestScreenshotAndPDF(t *testing.T) {
	t.Parallel()
	pages := testutil.ServePages(t)
	srv := bqlServer(t)
	res := mutate(t, srv.URL, `mutation {
		goto(url: "`+pages.URL+`/shapes.html") { status }
		size: evaluate(content: "JSON.stringify([innerWidth, innerHeight, document.documentElement.scrollWidth, document.documentElement.scrollHeight])") { value }
		viewport: screenshot { base64 format time }
		jpeg: screenshot(type: jpeg, quality: 80, fullPage: true) { base64 format }
		webp: screenshot(type: webp) { base64 format }
		element: screenshot(selector: "#red") { base64 }
		clip: screenshot(clip: {x: 10, y: 5, width: 30, height: 20}) { base64 }
		content(html: "<p>no background</p>") { time }
		transparent: screenshot(omitBackground: true) { base64 }
		opaque: screenshot { base64 }
		pdf(format: a4, printBackground: true, marginTop: "1cm", pageRanges: "1") { base64 size time }
		badFormat: pdf(width: "wide") { size }
		badQuality: screenshot(type: jpeg, quality: 101) { base64 }
		missing: screenshot(selector: "#nope", timeout: 300) { base64 }
	}`)
	wantErrors(t, res, map[string]string{"badFormat": "invalid_argument", "badQuality": "invalid_argument", "missing": "selector_not_found"})
	var size [4]int
	if err := jsonUnmarshal(evalString(t, res, "size"), &size); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		field, format string
		decode        func(io.Reader) (image.Image, error)
		width, height int
	}{
		{"viewport", "png", png.Decode, size[0], size[1]},
		{"jpeg", "jpeg", jpeg.Decode, size[2], size[3]},
		{"webp", "webp", webp.Decode, size[0], size[1]},
		{"element", "", png.Decode, 100, 50},
		{"clip", "", png.Decode, 30, 20},
	}
	shots := map[string]image.Image{}
	for _, c := range cases {
		shot := field[struct{ Base64, Format string }](t, res, c.field)
		if c.format != "" && shot.Format != c.format {
			t.Errorf("%s: format %q, want %q", c.field, shot.Format, c.format)
		}
		img := decodeShot(t, c.field, shot.Base64, c.decode)
		if b := img.Bounds(); b.Dx() != c.width || b.Dy() != c.height {
			t.Errorf("%s: %d×%d, want %d×%d", c.field, b.Dx(), b.Dy(), c.width, c.height)
		}
		shots[c.field] = img
	}
	wantColor(t, "the element screenshot", shots["element"], 50, 25, color.RGBA{255, 0, 0, 255})
	wantColor(t, "the clip", shots["clip"], 5, 5, color.RGBA{0, 0, 255, 255})
	wantColor(t, "the viewport's corner", shots["viewport"], 5, 5, color.RGBA{0, 0, 255, 255})
	transparent := decodeShot(t, "transparent", field[struct{ Base64 string }](t, res, "transparent").Base64, png.Decode)
	if _, _, _, a := transparent.At(size[0]-5, size[1]-5).RGBA(); a != 0 {
		t.Errorf("omitBackground left alpha %d in an empty corner, want 0", a)
	}
	opaque := decodeShot(t, "opaque", field[struct{ Base64 string }](t, res, "opaque").Base64, png.Decode)
	if _, _, _, a := opaque.At(size[0]-5, size[1]-5).RGBA(); a != 0xffff {
		t.Errorf("a later screenshot is still transparent (alpha %d): omitBackground must not outlive its field", a)
	}
	pdf := field[struct {
		Base64 string
		Size   int
	}](t, res, "pdf")
	doc, _ := base64.StdEncoding.DecodeString(pdf.Base64)
	if !bytes.HasPrefix(doc, []byte("%PDF-")) || pdf.Size != len(doc) {
		t.Errorf("pdf starts %q and says size %d for %d bytes", doc[:min(len(doc), 8)], pdf.Size, len(doc))
	}
}

func decodeShot(t *testing.T, name, b64 string, decode func(io.Reader) (image.Image, error)) image.Image {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	img, err := decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s does not decode as its format: %v", name, err)
	}
	return img
}

func wantColor(t *testing.T, what string, img image.Image, x, y int, want color.RGBA) {
	t.Helper()
	r, g, b, _ := img.At(x, y).RGBA()
	if got := (color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}); got != want {
		t.Errorf("%s at %d,%d is %v, want %v", what, x, y, got, want)
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
