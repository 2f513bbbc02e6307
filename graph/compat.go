package graph

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
	"github.com/sessionql/sessionql/graph/model"
)

// valueOr is what a nullable argument holds, or def when it is null: an
// explicit null takes the schema's default rather than the zero value.
func valueOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// readOptions maps html's and text's visible and clean arguments.
func readOptions(visible *bool, clean *model.CleanInput) engine.ReadOptions {
	o := engine.ReadOptions{Visible: value(visible)}
	if clean == nil {
		return o
	}
	o.Clean = &engine.CleanOptions{
		RemoveNonTextNodes: valueOr(clean.RemoveNonTextNodes, true), RemoveAttributes: value(clean.RemoveAttributes),
		RemoveRegex: valueOr(clean.RemoveRegex, true), Selectors: clean.Selectors, Regexes: clean.Regexes,
		Allow: strings.EqualFold(string(value(clean.Mode)), string(model.AttributeModeAllow)),
	}
	for _, a := range clean.Attributes {
		if a != nil {
			o.Clean.Attributes = append(o.Clean.Attributes, *a)
		}
	}
	return o
}

// applyPDFOptions lets what pdf's options object sets win over the
// arguments.
func applyPDFOptions(o *engine.PDFOptions, in *model.PDFOptions) {
	if in == nil {
		return
	}
	set(&o.Format, in.Format)
	set(&o.Landscape, in.Landscape)
	set(&o.PrintBackground, in.PrintBackground)
	set(&o.Scale, in.Scale)
	setLength(&o.Width, in.Width)
	setLength(&o.Height, in.Height)
	set(&o.DisplayHeaderFooter, in.DisplayHeaderFooter)
	set(&o.HeaderTemplate, in.HeaderTemplate)
	set(&o.FooterTemplate, in.FooterTemplate)
	set(&o.PageRanges, in.PageRanges)
	set(&o.PreferCSSPageSize, in.PreferCSSPageSize)
	if m := in.Margin; m != nil {
		setLength(&o.MarginTop, m.Top)
		setLength(&o.MarginBottom, m.Bottom)
		setLength(&o.MarginLeft, m.Left)
		setLength(&o.MarginRight, m.Right)
	}
	o.Format = strings.ToLower(o.Format)
}

// streamed reads pdf's transferMode: ReturnAsStream has the document read
// as a stream; ReturnAsBase64 (the default) in one reply.
func streamed(transferMode *string) (bool, error) {
	switch value(transferMode) {
	case "", engine.TransferBase64:
		return false, nil
	case engine.TransferStream:
		return true, nil
	}
	return false, sessionql.Errorf(sessionql.CodeInvalidArgument, "transferMode is %q or %q, not %q.", engine.TransferBase64, engine.TransferStream, *transferMode)
}

// set copies a given value over dst.
func set[T any](dst *T, p *T) {
	if p != nil {
		*dst = *p
	}
}

// setLength copies a given length over dst.
func setLength(dst *string, p *model.FloatOrString) {
	if p != nil {
		*dst = string(*p)
	}
}

// evaluate runs a script given as content, as expression or loaded from
// url: exactly one of them. An expression runs as a console runs it, so its
// value is that of its last statement.
func evaluate(ctx context.Context, c call, content, url, expression *string) (*string, error) {
	switch {
	case content != nil && url == nil && expression == nil:
		return c.page.Evaluate(ctx, *content, c.timeout)
	case url != nil && content == nil && expression == nil:
		return c.page.EvaluateURL(ctx, *url, c.timeout)
	case expression != nil && content == nil && url == nil:
		quoted, _ := json.Marshal(*expression)
		return c.page.Evaluate(ctx, "return await (0, eval)("+string(quoted)+");", c.timeout)
	}
	return nil, sessionql.Errorf(sessionql.CodeInvalidArgument, "evaluate needs exactly one of content, expression or url.")
}

// locateOptions maps the wait, scroll and visible arguments of the steps
// on an element, with Browserless's defaults: wait and scroll true,
// visible false.
func locateOptions(wait, scroll, visible *bool) engine.LocateOptions {
	return engine.LocateOptions{Wait: valueOr(wait, true), Scroll: valueOr(scroll, true), Visible: value(visible)}
}

// proxyServer is the upstream proxy a proxy field names. Browserless's
// country, city, state and sticky pick from its own residential proxies,
// which sessionql does not have: they are an error rather than ignored.
func proxyServer(server *string, country *model.CountryType, city, state *string, sticky *bool) (string, error) {
	if country != nil || city != nil || state != nil || sticky != nil {
		return "", sessionql.Errorf(sessionql.CodeInvalidArgument, "proxy's country, city, state and sticky choose Browserless's own residential proxies, which sessionql does not have; give server (an http://, https:// or socks5:// proxy of yours) instead, or the session's proxy option.")
	}
	if server == nil || *server == "" {
		return "", sessionql.Errorf(sessionql.CodeInvalidArgument, "proxy needs server, the upstream proxy to use (http://, https:// or socks5://): sessionql has no proxies of its own.")
	}
	return *server, nil
}

// noCaptchas is the error of solve and verify: sessionql solves no
// captchas and passes no bot checks.
func noCaptchas(field string) error {
	return sessionql.Errorf(sessionql.CodeInvalidArgument, "%s is Browserless's captcha solver; sessionql does not solve captchas or pass bot checks. Detect the captcha with querySelector or if(selector:), solve it with a service of your own and set its token with evaluate, or let a person solve it in the session's live view.", field)
}
