package engine

import (
	"context"
	"encoding/json"

	"github.com/chromedp/cdproto"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// transport lets chromedp speak through a mux client, so the engine is one
// client of the pipe among the users' WebSockets.
type transport struct{ c *cdpmux.Client }

func (t transport) Read(ctx context.Context, msg *cdproto.Message) error {
	select {
	case env := <-t.c.Messages():
		*msg = cdproto.Message{ID: env.ID, SessionID: target.SessionID(env.SessionID), Method: cdproto.MethodType(env.Method), Params: jsonv2.Value(env.Params), Result: jsonv2.Value(env.Result)}
		if env.Error != nil {
			msg.Error = new(cdproto.Error)
			return json.Unmarshal(env.Error, msg.Error)
		}
		return nil
	case <-t.c.Done():
		return t.c.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t transport) Write(_ context.Context, msg *cdproto.Message) error {
	return t.c.Send(cdpmux.Message{ID: msg.ID, SessionID: string(msg.SessionID), Method: string(msg.Method), Params: json.RawMessage(msg.Params)})
}

func (t transport) Close() error {
	t.c.Close()
	return nil
}

// allocator hands chromedp a Browser that runs over a mux client. It attaches
// to a running process, so chromedp never closes the browser; the engine's
// Browser owns the process.
type allocator struct {
	ctx    context.Context // lives as long as the browser
	client *cdpmux.Client
}

func (a allocator) Allocate(_ context.Context, opts ...chromedp.BrowserOption) (*chromedp.Browser, error) {
	return chromedp.NewBrowserTransport(a.ctx, transport{a.client}, opts...)
}

func (a allocator) Wait()          {}
func (a allocator) Attaches() bool { return true }
