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
		Allow: value(clean.Mode) == model.AttributeModeAllow,
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
	set(&o.Width, in.Width)
	set(&o.Height, in.Height)
	set(&o.DisplayHeaderFooter, in.DisplayHeaderFooter)
	set(&o.HeaderTemplate, in.HeaderTemplate)
	set(&o.FooterTemplate, in.FooterTemplate)
	set(&o.PageRanges, in.PageRanges)
	set(&o.PreferCSSPageSize, in.PreferCSSPageSize)
	if m := in.Margin; m != nil {
		set(&o.MarginTop, m.Top)
		set(&o.MarginBottom, m.Bottom)
		set(&o.MarginLeft, m.Left)
		set(&o.MarginRight, m.Right)
	}
	o.Format = strings.ToLower(o.Format)
}

// set copies a given value over dst.
func set[T any](dst *T, p *T) {
	if p != nil {
		*dst = *p
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
