package api

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sessionql/sessionql/sessions"
)

const (
	// framesInFlight is how many frames a viewer may not have acknowledged
	// yet; newer frames replace the waiting one instead of queueing.
	framesInFlight = 2
	// inputTimeout bounds one input event's trip to the browser.
	inputTimeout = 5 * time.Second
	// tabsEvery is how often a viewer learns which tabs there are.
	tabsEvery = 2 * time.Second
	// maxViewerMessage bounds one message from a viewer.
	maxViewerMessage = 64 << 10
)

// viewer is one WebSocket of the live view. run owns the screencast and
// does all the writing; a reader goroutine hands it what the viewer sends.
type viewer struct {
	ctx   context.Context // the request's: ends when the handler returns
	a     *API
	ws    *websocket.Conn
	id    string
	watch *sessions.Watch
	view  viewOptions
	grant *liveGrant

	sc        *sessions.Screencast
	tab       string
	tabs      []sessions.Tab
	sent      int64 // frames sent
	acked     int64 // frames the viewer has drawn
	steerings chan bool
	in        chan viewerMessage
}

// viewerMessage is anything a viewer sends: its type says which fields
// count.
type viewerMessage struct {
	Type   string              `json:"type"` // ack, mouse, key, resize, tab, steer
	Seq    int64               `json:"seq"`
	Mouse  sessions.MouseInput `json:"mouse"`
	Key    sessions.KeyInput   `json:"key"`
	Tab    string              `json:"tab"`
	Width  int                 `json:"width"`
	Height int                 `json:"height"`
}

func newViewer(ctx context.Context, a *API, ws *websocket.Conn, id string, watch *sessions.Watch, view viewOptions, grant *liveGrant) *viewer {
	return &viewer{ctx: ctx, a: a, ws: ws, id: id, watch: watch, view: view, grant: grant, steerings: make(chan bool, 1), in: make(chan viewerMessage, 64)}
}

// run serves the viewer until it leaves, the session ends or the view's
// token runs out, then closes the socket with the reason.
func (v *viewer) run() {
	defer v.ws.Close()
	reading := make(chan struct{})
	go v.read(reading)
	defer func() { <-reading }()
	defer v.a.pilots.leave(v.id, v)
	reason, why := v.serve()
	if v.sc != nil {
		v.sc.Close()
	}
	v.send(map[string]string{"type": "ended", "reason": reason, "message": why})
	v.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, closeText(why)), time.Now().Add(closeWait))
	v.ws.SetReadDeadline(time.Now().Add(closeGrace))
}

// read hands the viewer's messages to run until the socket fails.
func (v *viewer) read(done chan struct{}) {
	defer close(done)
	defer close(v.in)
	v.ws.SetReadLimit(maxViewerMessage)
	v.ws.SetReadDeadline(time.Now().Add(pongWait))
	v.ws.SetPongHandler(func(string) error { return v.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		var m viewerMessage
		if err := v.ws.ReadJSON(&m); err != nil {
			var syntax *json.SyntaxError
			if errors.As(err, &syntax) {
				continue
			}
			return
		}
		v.ws.SetReadDeadline(time.Now().Add(pongWait))
		select {
		case v.in <- m:
		default: // a viewer that floods loses input rather than memory
		}
	}
}

// serve is run's loop; it returns why the view ended.
func (v *viewer) serve() (reason, why string) {
	if err := v.start(v.watch.Tab); err != nil {
		if reason, why := v.endReason(); reason == "ended" {
			return reason, why
		}
		return "error", err.Error()
	}
	if v.view.Interactable {
		v.a.pilots.takeIfFree(v.id, v)
	}
	v.send(v.hello())
	expiry, revoked := v.limits()
	tabs, ping := time.NewTicker(tabsEvery), time.NewTicker(pingEvery)
	defer tabs.Stop()
	defer ping.Stop()
	for {
		var frames <-chan sessions.Frame
		if v.sent-v.acked < framesInFlight {
			frames = v.sc.Frames()
		}
		select {
		case f := <-frames:
			if v.sendFrame(f) != nil {
				return "gone", ""
			}
		case m, ok := <-v.in:
			if !ok {
				return "gone", ""
			}
			v.handle(m)
		case <-v.sc.Done():
			if err := v.replaceTab(); err != nil {
				return v.endReason()
			}
		case <-v.watch.Browser.Done():
			return v.endReason()
		case s := <-v.steerings:
			v.send(map[string]any{"type": "steer", "steering": s})
		case <-tabs.C:
			v.sendTabs(false)
		case <-ping.C:
			v.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(closeWait))
		case <-expiry:
			return "expired", "This live-view link has expired."
		case <-revoked:
			return "expired", "This live-view link was revoked."
		}
	}
}

// limits are when a view let in with a live-view token must end.
func (v *viewer) limits() (expiry <-chan time.Time, revoked <-chan struct{}) {
	if v.grant == nil {
		return nil, nil
	}
	return time.After(time.Until(v.grant.expires)), v.grant.revoked
}

// endReason says whether the session ended or only its browser did (the
// page then connects again, which starts it from its profile).
func (v *viewer) endReason() (string, string) {
	if _, _, err := v.a.sessions.Get(v.id); err != nil {
		return "ended", "The session has ended: it was stopped or it expired."
	}
	return "restart", "The session's browser closed; reconnecting starts it again."
}

// start begins streaming tab, or the session's first tab when tab is not
// one of the browser's.
func (v *viewer) start(tab string) error {
	ctx, cancel := context.WithTimeout(v.ctx, inputTimeout)
	defer cancel()
	tabs, err := v.watch.Browser.Tabs(ctx)
	if err != nil {
		return err
	}
	v.tabs = tabs
	if !slices.ContainsFunc(tabs, func(t sessions.Tab) bool { return t.ID == tab }) {
		if len(tabs) == 0 {
			return errors.New("the session has no open tab")
		}
		tab = tabs[0].ID
	}
	sc, err := v.watch.Browser.Screencast(ctx, tab, sessions.ScreencastOptions{Format: v.view.Format, Quality: v.view.Quality})
	if err != nil {
		return err
	}
	if v.sc != nil {
		v.sc.Close()
	}
	v.sc, v.tab, v.acked = sc, tab, v.sent
	return nil
}

// replaceTab streams the session's own tab, or another, after the one
// watched closed.
func (v *viewer) replaceTab() error {
	if err := v.start(v.watch.Tab); err != nil {
		return err
	}
	v.sendTabs(true)
	return nil
}

func (v *viewer) hello() map[string]any {
	return map[string]any{
		"type": "hello", "session": v.id, "interactive": v.view.Interactable, "resizable": v.view.Resizable,
		"steering": v.a.pilots.is(v.id, v), "tabs": v.tabs, "tab": v.tab,
	}
}

// sendTabs tells the viewer the tabs, when they changed or always.
func (v *viewer) sendTabs(always bool) {
	ctx, cancel := context.WithTimeout(v.ctx, inputTimeout)
	defer cancel()
	tabs, err := v.watch.Browser.Tabs(ctx)
	if err != nil || !always && slices.Equal(tabs, v.tabs) {
		return
	}
	v.tabs = tabs
	v.send(map[string]any{"type": "tabs", "tabs": tabs, "tab": v.tab})
}

// handle acts on one message of the viewer. Input from a view-only viewer,
// or one that does not steer, is dropped.
func (v *viewer) handle(m viewerMessage) {
	switch m.Type {
	case "ack":
		v.acked = max(v.acked, min(m.Seq, v.sent))
	case "tab":
		if v.start(m.Tab) == nil {
			v.sendTabs(true)
		}
	case "steer":
		if v.view.Interactable {
			v.a.pilots.take(v.id, v)
		}
	case "mouse", "key", "resize":
		if v.view.Interactable && v.a.pilots.is(v.id, v) {
			v.input(m)
		}
	}
}

func (v *viewer) input(m viewerMessage) {
	ctx, cancel := context.WithTimeout(v.ctx, inputTimeout)
	defer cancel()
	var err error
	switch m.Type {
	case "mouse":
		err = v.sc.Mouse(ctx, m.Mouse)
	case "key":
		err = v.sc.Key(ctx, m.Key)
	case "resize":
		if v.view.Resizable {
			v.watch.Resized()
			err = v.sc.Resize(ctx, m.Width, m.Height)
		}
	}
	if err != nil {
		v.send(map[string]string{"type": "error", "message": err.Error()})
	}
}

// notifySteering tells run, which tells the viewer, whether it steers.
func (v *viewer) notifySteering(steering bool) {
	select {
	case <-v.steerings:
	default:
	}
	v.steerings <- steering
}

// sendFrame writes a frame as JSON without re-encoding its base64 data.
func (v *viewer) sendFrame(f sessions.Frame) error {
	v.sent++
	buf := make([]byte, 0, len(f.Data)+160)
	buf = append(buf, `{"type":"frame","seq":`...)
	buf = strconv.AppendInt(buf, v.sent, 10)
	buf = append(buf, `,"width":`...)
	buf = strconv.AppendFloat(buf, f.Width, 'f', -1, 64)
	buf = append(buf, `,"height":`...)
	buf = strconv.AppendFloat(buf, f.Height, 'f', -1, 64)
	buf = append(buf, `,"format":"`+f.Format+`","data":"`...)
	buf = append(append(buf, f.Data...), `"}`...)
	v.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return v.ws.WriteMessage(websocket.TextMessage, buf)
}

func (v *viewer) send(msg any) error {
	v.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return v.ws.WriteJSON(msg)
}
