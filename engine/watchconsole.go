package engine

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// maxConsoleText bounds the text of one console or page_error event.
const maxConsoleText = 2048

// watchConsole reports the page's own console calls (console.log, warn,
// error…) and, with exceptions, its uncaught exceptions, read on a
// DevTools session of its own on the tab that ends with the page.
//
// Console calls come from the Console domain, which pages cannot observe:
// V8 builds each call's message (the text of its arguments, as
// String(arg) would give) whether or not anyone listens, and the domain
// only hands over that text, never the logged objects, so nothing of the
// page is read that it would not read anyway. Uncaught exceptions reach
// the protocol only through the Runtime domain, whose use detectors look
// for; exceptions turns it on for this session alone, which is why stealth
// sessions leave it off unless asked.
func (p *Page) watchConsole(fn EventFunc, exceptions bool) error {
	ctx, cancel := context.WithTimeout(p.ctx, openTimeout)
	defer cancel()
	client, err := p.client.Mux().Connect(ctx, nil)
	if err != nil {
		return err
	}
	context.AfterFunc(p.ctx, client.Close)
	session, err := attachTab(ctx, client, string(p.target().TargetID))
	if err != nil {
		client.Close()
		return err
	}
	domains := []string{"Console.enable"}
	if exceptions {
		domains = append(domains, "Runtime.enable")
	}
	for _, method := range domains {
		if err := client.Post(cdpmux.Message{SessionID: session, Method: method}); err != nil {
			client.Close()
			return err
		}
	}
	go readConsole(client, fn)
	return nil
}

// attachTab attaches client to the tab and returns the new session's id;
// the mux hands the session's events to client from then on.
func attachTab(ctx context.Context, client *cdpmux.Client, targetID string) (string, error) {
	params, _ := json.Marshal(map[string]any{"targetId": targetID, "flatten": true})
	if err := client.Send(cdpmux.Message{ID: 1, Method: "Target.attachToTarget", Params: params}); err != nil {
		return "", err
	}
	for {
		select {
		case m := <-client.Messages():
			if m.ID != 1 {
				continue
			}
			if m.Error != nil {
				return "", errors.New("attach to the tab: " + string(m.Error))
			}
			return cdpmux.SessionIDOf(m.Result), nil
		case <-client.Done():
			return "", client.Err()
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// readConsole turns the session's console messages and exceptions into
// events until the client ends.
func readConsole(client *cdpmux.Client, fn EventFunc) {
	for {
		select {
		case m := <-client.Messages():
			switch m.Method {
			case "Console.messageAdded":
				consoleMessage(m.Params, fn)
			case "Runtime.exceptionThrown":
				exceptionThrown(m.Params, fn)
			}
		case <-client.Done():
			return
		}
	}
}

func consoleMessage(raw json.RawMessage, fn EventFunc) {
	var v struct {
		Message struct {
			Level, Text, URL string
			Line             int64
		}
	}
	if json.Unmarshal(raw, &v) != nil {
		return
	}
	m := v.Message
	fn("console", map[string]any{"level": m.Level, "source": "console-api", "text": cut(m.Text), "url": m.URL, "line": m.Line})
}

func exceptionThrown(raw json.RawMessage, fn EventFunc) {
	var v struct {
		ExceptionDetails struct {
			Text       string
			URL        string
			LineNumber int64
			Exception  *struct{ Description string }
		}
	}
	if json.Unmarshal(raw, &v) != nil {
		return
	}
	d := v.ExceptionDetails
	text := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		text += " " + d.Exception.Description
	}
	fn("page_error", map[string]any{"level": "error", "source": "exception", "text": cut(text), "url": d.URL, "line": d.LineNumber + 1})
}

// cut bounds s to maxConsoleText bytes, on a rune boundary.
func cut(s string) string {
	if len(s) <= maxConsoleText {
		return s
	}
	i := maxConsoleText
	for i > 0 && s[i]&0xc0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}
