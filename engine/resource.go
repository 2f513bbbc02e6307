package engine

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/io"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql"
)

// maxScriptSize bounds a script evaluate loads from a URL.
const maxScriptSize = 16 << 20

// EvaluateURL loads a script through the browser's network stack (its proxy,
// its cache, no CORS) and evaluates it as Evaluate does.
func (p *Page) EvaluateURL(req context.Context, url string, timeout time.Duration) (*string, error) {
	start := time.Now()
	script, err := p.loadResource(req, url, timeout)
	if err != nil {
		return nil, err
	}
	return p.Evaluate(req, script, max(timeout-time.Since(start), time.Millisecond))
}

func (p *Page) loadResource(req context.Context, url string, timeout time.Duration) (string, error) {
	ctx, cancel := p.step(req, timeout)
	defer cancel()
	what := "loading the script " + url
	if s, _, _ := urlScheme(url); s != "http" && s != "https" && !p.allowFileURLs {
		return "", failf(sessionql.CodeInvalidArgument, "Loading the script %s was refused: scripts load from http: and https: URLs only; the server's operator can allow others with %s=true.", url, allowFileURLsSetting)
	}
	res, err := chromedp.Call(ctx, network.LoadNetworkResource, network.LoadNetworkResourceParams{
		FrameID: p.frameID(), URL: url, Options: &network.LoadNetworkResourceOptions{IncludeCredentials: true},
	})
	if err != nil {
		return "", stepError(ctx, err, sessionql.CodeInvalidArgument, what, timeout)
	}
	r := res.Resource
	if !r.Success || r.HTTPStatusCode >= 400 {
		return "", failf(sessionql.CodeEvaluationFailed, "Loading the script %s failed: %s.", url, resourceFailure(r.NetErrorName, r.HTTPStatusCode))
	}
	body, err := p.readStream(ctx, r.Stream, streamBound{maxScriptSize, "script", sessionql.CodeInvalidArgument})
	return string(body), stepError(ctx, err, sessionql.CodeEvaluationFailed, what, timeout)
}

func resourceFailure(netError string, status float64) string {
	if netError != "" {
		return netError
	}
	return fmt.Sprintf("HTTP status %d", int(status))
}

// streamChunk is how much of a protocol stream one IO.read asks for: 1 MiB,
// less when MAX_ANSWER_BYTES is small, so that a read's reply (base64 for
// binary streams) stays under it.
func (p *Page) streamChunk() int64 { return int64(min(1<<20, p.client.MaxAnswer()/2)) }

// streamBound is how long a stream may be, and how a longer one fails.
type streamBound struct {
	bytes int
	what  string // the stream's name in the error
	code  string // the error's code
}

// readStream reads a protocol stream to its end and closes it.
func (p *Page) readStream(ctx context.Context, h io.StreamHandle, bound streamBound) ([]byte, error) {
	defer chromedp.Call(ctx, io.Close, io.CloseParams{Handle: h})
	var out []byte
	for len(out) <= bound.bytes {
		var chunk struct {
			Data          string `json:"data"`
			Base64Encoded bool   `json:"base64Encoded"`
			EOF           bool   `json:"eof"`
		}
		if err := p.target().Call(ctx, io.CommandRead, io.ReadParams{Handle: h, Size: p.streamChunk()}, &chunk); err != nil {
			return nil, err
		}
		data := []byte(chunk.Data)
		if chunk.Base64Encoded {
			var err error
			if data, err = base64.StdEncoding.DecodeString(chunk.Data); err != nil {
				return nil, err
			}
		}
		out = append(out, data...)
		if chunk.EOF {
			return out, nil
		}
	}
	return nil, failf(bound.code, "The %s is larger than %d bytes.", bound.what, bound.bytes)
}
