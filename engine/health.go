package engine

import (
	"context"
	"time"
)

// PingTimeout bounds a health ping: Browser.getVersion is answered by the
// browser process itself, at once, unless the process is wedged (stopped,
// or its main loop stuck).
const PingTimeout = 3 * time.Second

// Quiet is how long the browser has sent nothing on its pipe. A browser
// that talks is not wedged, so only a quiet one needs a ping.
func (b *Browser) Quiet() time.Duration { return b.mux.quiet() }

// Ping reports whether the browser answers within PingTimeout (or ctx);
// a browser that does not is wedged and should be killed.
func (b *Browser) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	if err := b.mux.ready(ctx); err != nil {
		if ctx.Err() != nil {
			return ErrNoAnswer
		}
		return err
	}
	return nil
}
