package graph

import (
	"math"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/graph/model"
)

// screenshotOptions reads the arguments of screenshot.
func screenshotOptions(typ *model.ScreenshotType, quality *float64, fullPage *bool, selector *string, clip *model.ScreenshotClip, omitBackground *bool) (engine.ScreenshotOptions, error) {
	o := engine.ScreenshotOptions{Format: "png", FullPage: value(fullPage), Selector: value(selector), OmitBackground: value(omitBackground)}
	if typ != nil {
		o.Format = string(*typ)
	}
	if quality != nil {
		if *quality < 0 || *quality > 100 {
			return o, sessionql.Errorf(sessionql.CodeInvalidArgument, "quality must be from 0 to 100, not %g.", *quality)
		}
		o.Quality = new(int(math.Round(*quality)))
	}
	if clip != nil {
		if clip.Width <= 0 || clip.Height <= 0 {
			return o, sessionql.Errorf(sessionql.CodeInvalidArgument, "A clip needs a positive width and height.")
		}
		o.Clip = &engine.Clip{X: clip.X, Y: clip.Y, Width: clip.Width, Height: clip.Height, Scale: 1}
		if clip.Scale != nil {
			o.Clip.Scale = *clip.Scale
		}
	}
	return o, nil
}

// cookieInputs maps the cookies to set.
func cookieInputs(in []model.CookieInput) []engine.CookieInput {
	out := make([]engine.CookieInput, len(in))
	for i, c := range in {
		out[i] = engine.CookieInput{Name: c.Name, Value: c.Value, URL: value(c.URL), Domain: value(c.Domain), Path: value(c.Path),
			Secure: value(c.Secure), HTTPOnly: value(c.HTTPOnly), SameSite: string(value(c.SameSite)), Expires: c.Expires}
	}
	return out
}

func cookieList(in []engine.Cookie) []model.Cookie {
	out := make([]model.Cookie, len(in))
	for i, c := range in {
		out[i] = model.Cookie{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path, Expires: c.Expires, Size: c.Size,
			HTTPOnly: c.HTTPOnly, Secure: c.Secure, Session: c.Session}
		if s := model.CookieSameSite(c.SameSite); s.IsValid() {
			out[i].SameSite = &s
		}
	}
	return out
}
