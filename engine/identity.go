package engine

import (
	"fmt"

	"github.com/sessionql/sessionql/engine/internal/stealth"
)

// startIdentity connects the identity client and turns its auto-attach on,
// before any other client connects: every target opened from then on
// starts paused until the client has configured it. The targets already
// open, if any, are configured meanwhile; awaitIdentity waits for that.
// The client's loop ends when the browser does.
func (b *Browser) startIdentity(opts LaunchOptions, id stealth.Identity) error {
	ctx, cancel := opts.readyContext()
	defer cancel()
	c, err := stealth.Connect(ctx, b.mux, id)
	if err != nil {
		return err
	}
	b.loops.Go(c.Run)
	b.identityReady = c.Start()
	return nil
}

// awaitIdentity waits until the targets open at launch have their
// identity; it runs beside the rest of the launch (see startWatches), which
// returns only after it.
func (b *Browser) awaitIdentity(opts LaunchOptions) error {
	if b.identityReady == nil {
		return nil
	}
	ctx, cancel := opts.readyContext()
	defer cancel()
	if err := b.identityReady(ctx); err != nil {
		return fmt.Errorf("give the browser its identity: %w", err)
	}
	return nil
}
