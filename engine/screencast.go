package engine

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// Tab is one page of the browser, as a viewer picks it.
type Tab struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// TabID is the id of the page's tab, as Tabs lists it.
func (p *Page) TabID() string { return string(p.target().TargetID) }

// Tabs lists the browser's pages: the engine's and those CDP clients opened.
func (b *Browser) Tabs(ctx context.Context) ([]Tab, error) {
	raw, err := b.mux.Call(ctx, "", "Target.getTargets", nil)
	if err != nil {
		return nil, err
	}
	var res struct {
		TargetInfos []struct {
			TargetID, Type, Title, URL string
		} `json:"targetInfos"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, err
	}
	tabs := []Tab{}
	for _, t := range res.TargetInfos {
		if t.Type == "page" && t.TargetID != b.guard {
			tabs = append(tabs, Tab{ID: t.TargetID, Title: t.Title, URL: t.URL})
		}
	}
	return tabs, nil
}

// ScreencastOptions are how a viewer wants the tab's frames.
type ScreencastOptions struct {
	Format  string // "jpeg" (default) or "png"
	Quality int    // 1–100, for jpeg; 0 means 100
}

// Frame is one picture of a tab: the image as Chromium encoded it (base64)
// and the size of the page area it shows, in CSS pixels.
type Frame struct {
	Data   string  // base64 of the image
	Format string  // jpeg or png
	Width  float64 // the page's width in CSS pixels
	Height float64 // the page's height in CSS pixels
	Seq    int64   // counts the frames the browser sent, from 1
}

// Screencast streams one tab's frames to one viewer and takes the viewer's
// input. Each frame is acknowledged as soon as it arrives, so the browser
// never waits for a viewer; Frames holds only the newest frame, so a slow
// viewer skips frames instead of queueing them.
type Screencast struct {
	client  *cdpmux.Client
	session string // the DevTools session on the tab
	format  string
	frames  chan Frame
	done    chan struct{}
	once    sync.Once
	err     error
	seq     int64
	ended   chan struct{} // closed when read has returned
}

// ErrTabClosed ends a screencast whose tab was closed.
var ErrTabClosed = errors.New("the tab was closed")

// Screencast starts streaming the tab's frames. Close ends it; it also ends
// when the tab closes or the browser exits (see Done and Err).
func (b *Browser) Screencast(ctx context.Context, tab string, opts ScreencastOptions) (*Screencast, error) {
	if opts.Format == "" {
		opts.Format = "jpeg"
	}
	if opts.Format != "jpeg" && opts.Format != "png" || opts.Quality < 0 || opts.Quality > 100 {
		return nil, failf(sessionql.CodeInvalidArgument, "A screencast is jpeg or png with a quality from 1 to 100, not %s at %d.", opts.Format, opts.Quality)
	}
	if opts.Quality == 0 {
		opts.Quality = 100
	}
	c, err := b.mux.Connect(ctx, nil)
	if err != nil {
		return nil, err
	}
	s := &Screencast{client: c, format: opts.Format, frames: make(chan Frame, 1), done: make(chan struct{}), ended: make(chan struct{})}
	if err := s.attach(ctx, tab, opts); err != nil {
		c.Close()
		return nil, failf(sessionql.CodeInvalidArgument, "The tab %s cannot be watched: %v.", tab, err)
	}
	go s.read()
	return s, nil
}

// attach opens a DevTools session on the tab and starts its screencast.
func (s *Screencast) attach(ctx context.Context, tab string, opts ScreencastOptions) error {
	res, err := s.command(ctx, s.client.Session(), "Target.attachToTarget", map[string]any{"targetId": tab, "flatten": true})
	if err != nil {
		return err
	}
	s.session = cdpmux.SessionIDOf(res) // the mux gives it to the client on Target.attachedToTarget
	_, err = s.command(ctx, s.session, "Page.startScreencast", map[string]any{"format": opts.Format, "quality": opts.Quality})
	return err
}

// command runs one DevTools command on one of the screencast's sessions.
func (s *Screencast) command(ctx context.Context, session, method string, params any) (json.RawMessage, error) {
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	env, err := s.client.Call(ctx, cdpmux.Message{SessionID: session, Method: method, Params: raw})
	if err != nil {
		return nil, err
	}
	if env.Error != nil {
		var e struct{ Message string }
		json.Unmarshal(env.Error, &e)
		return nil, errors.New(e.Message)
	}
	return env.Result, nil
}

// read takes the browser's messages until the client ends: it acknowledges
// each frame and keeps only the newest for the viewer.
func (s *Screencast) read() {
	defer close(s.ended)
	for {
		select {
		case env := <-s.client.Messages():
			s.handle(env)
		case <-s.client.Done():
			s.end(s.client.Err())
			return
		case <-s.done:
			return
		}
	}
}

// screencastFrame is Page.screencastFrame as the engine reads it.
type screencastFrame struct {
	Data     string `json:"data"`
	Metadata struct {
		DeviceWidth  float64 `json:"deviceWidth"`
		DeviceHeight float64 `json:"deviceHeight"`
	} `json:"metadata"`
	SessionID int64 `json:"sessionId"`
}

func (s *Screencast) handle(env cdpmux.Message) {
	switch {
	case env.Method == "Target.detachedFromTarget" && cdpmux.SessionIDOf(env.Params) == s.session:
		s.end(ErrTabClosed)
	case env.Method == "Page.screencastFrame" && env.SessionID == s.session:
		var f screencastFrame
		if json.Unmarshal(env.Params, &f) != nil {
			return
		}
		ack, _ := json.Marshal(map[string]int64{"sessionId": f.SessionID})
		s.client.Post(cdpmux.Message{SessionID: s.session, Method: "Page.screencastFrameAck", Params: ack})
		s.seq++
		s.offer(Frame{Data: f.Data, Format: s.format, Width: f.Metadata.DeviceWidth, Height: f.Metadata.DeviceHeight, Seq: s.seq})
	}
}

// offer replaces the frame waiting for the viewer, if any, with f.
func (s *Screencast) offer(f Frame) {
	select {
	case <-s.frames:
	default:
	}
	s.frames <- f
}

// Frames yields the newest frame not yet taken.
func (s *Screencast) Frames() <-chan Frame { return s.frames }

// Done is closed when the screencast has ended; Err says why.
func (s *Screencast) Done() <-chan struct{} { return s.done }

// Err is why the screencast ended: ErrTabClosed, ErrClientClosed after
// Close, or the browser's error when it went away.
func (s *Screencast) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// Close stops the screencast and detaches from the tab; the tab stays.
func (s *Screencast) Close() {
	s.end(ErrClientClosed)
	<-s.ended
}

func (s *Screencast) end(err error) {
	s.once.Do(func() {
		s.err = err
		close(s.done)
		s.client.Close()
	})
}
