package engine

import "github.com/sessionql/sessionql/engine/internal/stealth"

// startIdentity connects the identity client and configures the targets
// already open, such as the first tab, before anyone else can use them. The
// client's loop ends when the browser does.
func (b *Browser) startIdentity(opts LaunchOptions, id stealth.Identity) error {
	ctx, cancel := opts.readyContext()
	defer cancel()
	c, err := stealth.Connect(ctx, b.mux, id)
	if err != nil {
		return err
	}
	b.loops.Go(c.Run)
	return c.Start(ctx)
}
