package engine

import (
	"context"
	"errors"
	"time"
)

// PingTimeout bounds a health ping: Browser.getVersion is answered by the
// browser process itself, at once, unless the process is wedged (stopped,
// or its main loop stuck).
const PingTimeout = 3 * time.Second

// busyGrace is how long a browser that does not answer but keeps working
// (its process uses the processor, e.g. while it encodes a reply of
// hundreds of megabytes) is waited for before it counts as wedged.
const busyGrace = 30 * time.Second

// busyTicks is the processor time, in clock ticks (10 ms), that a browser
// must have used during an unanswered ping to count as busy rather than
// wedged; a stopped process uses none.
const busyTicks = 10

// Quiet is how long the browser has sent nothing on its pipe. A browser
// that talks is not wedged, so only a quiet one needs a ping.
func (b *Browser) Quiet() time.Duration { return b.mux.Quiet() }

// Ping reports whether the browser answers within PingTimeout (or ctx), or
// keeps working towards an answer for up to busyGrace; a browser that does
// neither is wedged and should be killed.
func (b *Browser) Ping(ctx context.Context) error {
	giveUp := time.Now().Add(busyGrace)
	for {
		used := b.cpuTicks()
		err := b.pingOnce(ctx)
		busy := b.cpuTicks()-used >= busyTicks
		if !errors.Is(err, ErrNoAnswer) || ctx.Err() != nil || !busy || time.Now().After(giveUp) {
			return err
		}
	}
}

func (b *Browser) pingOnce(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	if err := b.mux.Ready(ctx); err != nil {
		if ctx.Err() != nil {
			return ErrNoAnswer
		}
		return err
	}
	return nil
}

// cpuTicks is the processor time the browser process has used, user and
// system, in clock ticks; 0 where the system cannot tell.
func (b *Browser) cpuTicks() int64 { return b.proc.CPUTicks() }
