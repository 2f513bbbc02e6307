package engine

import (
	"context"
	"math"
	"slices"

	"github.com/sessionql/sessionql"
)

// MouseInput is one mouse event of a viewer, in the tab's CSS pixels.
type MouseInput struct {
	Type       string  `json:"type"`   // mouseMoved, mousePressed, mouseReleased or mouseWheel
	X          float64 `json:"x"`      // from the viewport's left edge
	Y          float64 `json:"y"`      // from the viewport's top edge
	Button     string  `json:"button"` // none, left, middle, right, back or forward
	Buttons    int     `json:"buttons"`
	ClickCount int     `json:"clickCount"`
	DeltaX     float64 `json:"deltaX"`
	DeltaY     float64 `json:"deltaY"`
	Modifiers  int     `json:"modifiers"` // Alt=1, Ctrl=2, Meta=4, Shift=8
}

// KeyInput is one keyboard event of a viewer, as DOM KeyboardEvent names
// its parts. Type is keyDown (which types Text, if any), rawKeyDown, keyUp
// or char.
type KeyInput struct {
	Type      string `json:"type"`
	Key       string `json:"key"`
	Code      string `json:"code"`
	Text      string `json:"text,omitempty"`
	KeyCode   int    `json:"windowsVirtualKeyCode"`
	Modifiers int    `json:"modifiers"`
	Location  int    `json:"location"`
}

var (
	mouseTypes   = []string{"mouseMoved", "mousePressed", "mouseReleased", "mouseWheel"}
	mouseButtons = []string{"", "none", "left", "middle", "right", "back", "forward"}
	keyTypes     = []string{"keyDown", "rawKeyDown", "keyUp", "char"}
)

// Mouse sends the event to the tab as real input.
func (s *Screencast) Mouse(ctx context.Context, m MouseInput) error {
	if !slices.Contains(mouseTypes, m.Type) || !slices.Contains(mouseButtons, m.Button) || !finite(m.X, m.Y, m.DeltaX, m.DeltaY) {
		return failf(sessionql.CodeInvalidArgument, "A mouse event needs a type of %v, a button of %v and finite numbers.", mouseTypes, mouseButtons[1:])
	}
	if m.Button == "" {
		m.Button = "none"
	}
	return s.input(ctx, "Input.dispatchMouseEvent", m)
}

// Key sends the event to the tab as real input; keyDown with Text types it.
func (s *Screencast) Key(ctx context.Context, k KeyInput) error {
	if !slices.Contains(keyTypes, k.Type) || len(k.Key) > 32 || len(k.Code) > 32 || len(k.Text) > 8 {
		return failf(sessionql.CodeInvalidArgument, "A key event needs a type of %v and a short key, code and text.", keyTypes)
	}
	return s.input(ctx, "Input.dispatchKeyEvent", k)
}

// Resize gives the tab a viewport of width × height CSS pixels, as a
// window of that size would.
func (s *Screencast) Resize(ctx context.Context, width, height int) error {
	if width < 100 || height < 100 || width > 4096 || height > 4096 {
		return failf(sessionql.CodeInvalidArgument, "A viewport is from 100×100 to 4096×4096, not %d×%d.", width, height)
	}
	return s.input(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 0, "mobile": false})
}

func (s *Screencast) input(ctx context.Context, method string, params any) error {
	_, err := s.command(ctx, s.session, method, params)
	if err != nil && s.Err() == nil && ctx.Err() == nil {
		return failf(sessionql.CodeInvalidArgument, "The browser refused %s: %v.", method, err)
	}
	return err
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// RestoreViewport gives the page its viewport again after a viewer's
// Resize: Chromium drops every viewport override of a tab when the
// connection that set one closes, the engine's own included. session is
// the session's viewport; a viewport a BrowserQL step set wins over it.
// Call it after the screencast's Close.
func (p *Page) RestoreViewport(ctx context.Context, session Viewport) error {
	if v := p.settings().Viewport; v != nil {
		session = *v
	}
	return p.SetSessionViewport(ctx, session)
}
