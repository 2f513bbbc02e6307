package engine

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// PDFOptions say how to print the page. Lengths are CSS lengths with a unit
// (in, cm, mm, px) or bare numbers in pixels; empty ones take the defaults.
type PDFOptions struct {
	Format                                           string // letter (default), legal, tabloid, ledger, a0 to a6
	Width, Height                                    string // override Format
	MarginTop, MarginBottom, MarginLeft, MarginRight string // default 0
	Landscape, PrintBackground                       bool
	DisplayHeaderFooter, PreferCSSPageSize           bool
	Scale                                            float64 // default 1
	HeaderTemplate, FooterTemplate, PageRanges       string
	GenerateDocumentOutline                          bool  // embed the outline of headings
	GenerateTaggedPDF                                *bool // nil: Chromium's choice
	WaitForImages                                    bool  // wait first until the page's images loaded or failed
	// Stream has Chromium hand the document over in reads of 1 MiB from a
	// protocol stream instead of in one message (Browserless's
	// transferMode: "ReturnAsStream"). The answer is the same, and as
	// bounded by MAX_ANSWER_BYTES; Chromium never builds one message of
	// the whole document.
	Stream bool
}

// The values of Browserless's transferMode.
const (
	TransferBase64 = "ReturnAsBase64"
	TransferStream = "ReturnAsStream"
)

// paperSizes are the paper formats in inches.
var paperSizes = map[string][2]float64{
	"letter": {8.5, 11}, "legal": {8.5, 14}, "tabloid": {11, 17}, "ledger": {17, 11},
	"a0": {33.1102, 46.8110}, "a1": {23.3858, 33.1102}, "a2": {16.5354, 23.3858},
	"a3": {11.6929, 16.5354}, "a4": {8.2677, 11.6929}, "a5": {5.8268, 8.2677}, "a6": {4.1339, 5.8268},
}

// inchesPer converts a length unit to inches.
var inchesPer = map[string]float64{"in": 1, "cm": 1 / 2.54, "mm": 1 / 25.4, "px": 1.0 / 96}

// PDF prints the page and returns the PDF document.
func (p *Page) PDF(req context.Context, o PDFOptions, timeout time.Duration) ([]byte, error) {
	params, err := o.params()
	if err != nil {
		return nil, err
	}
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	if o.WaitForImages {
		if err := p.waitForImages(ctx); err != nil {
			return nil, stepError(ctx, err, sessionql.CodeEvaluationFailed, "waiting for the page's images", timeout)
		}
	}
	doc, err := p.printToPDF(ctx, params, o.Stream)
	if err == nil && len(doc) == 0 {
		return nil, failf(sessionql.CodeEvaluationFailed, "The browser returned an empty PDF.")
	}
	return doc, stepError(ctx, err, sessionql.CodeInvalidArgument, "printing to PDF", timeout)
}

// printToPDF prints, taking the document in one reply or, with stream, in
// reads of a protocol stream.
func (p *Page) printToPDF(ctx context.Context, params page.PrintToPDFParams, stream bool) ([]byte, error) {
	if stream {
		params.TransferMode = page.PrintToPDFTransferModeReturnAsStream
	}
	res, err := chromedp.Call(ctx, page.PrintToPDF, params)
	if err != nil || !stream {
		return res.Data, err
	}
	return p.readStream(ctx, res.Stream, streamBound{p.client.MaxAnswer(), "PDF", sessionql.CodeAnswerTooLarge})
}

func (o PDFOptions) params() (page.PrintToPDFParams, error) {
	size, ok := paperSizes[strings.ToLower(o.Format)]
	if !ok && o.Format != "" {
		return page.PrintToPDFParams{}, failf(sessionql.CodeInvalidArgument, "The paper format %q is unknown.", o.Format)
	}
	if !ok {
		size = paperSizes["letter"]
	}
	lengths := []*float64{&size[0], &size[1], new(0.0), new(0.0), new(0.0), new(0.0)}
	for i, s := range []string{o.Width, o.Height, o.MarginTop, o.MarginBottom, o.MarginLeft, o.MarginRight} {
		if err := parseLength(s, lengths[i]); err != nil {
			return page.PrintToPDFParams{}, err
		}
	}
	return page.PrintToPDFParams{
		Landscape: &o.Landscape, PrintBackground: &o.PrintBackground, DisplayHeaderFooter: &o.DisplayHeaderFooter,
		PreferCSSPageSize: &o.PreferCSSPageSize, Scale: o.Scale, PaperWidth: size[0], PaperHeight: size[1],
		MarginTop: lengths[2], MarginBottom: lengths[3], MarginLeft: lengths[4], MarginRight: lengths[5],
		HeaderTemplate: o.HeaderTemplate, FooterTemplate: o.FooterTemplate, PageRanges: o.PageRanges,
		GenerateDocumentOutline: &o.GenerateDocumentOutline, GenerateTaggedPDF: o.GenerateTaggedPDF,
	}, nil
}

// parseLength reads "8.5in", "2cm", "10mm", "96px" or "96" into inches;
// an empty string leaves out as it is.
func parseLength(s string, out *float64) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	num, unit := s, "px"
	if len(s) > 2 && inchesPer[s[len(s)-2:]] != 0 {
		num, unit = s[:len(s)-2], s[len(s)-2:]
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || v < 0 {
		return failf(sessionql.CodeInvalidArgument, "The length %q is not a number with a unit such as in, cm, mm or px.", s)
	}
	*out = v * inchesPer[unit]
	return nil
}
