package engine

import (
	"path/filepath"

	"github.com/sessionql/sessionql/engine/internal/stealth"
)

// stealthWindow is the inner size of a stealth browser's pages when the
// session names no viewport: a common desktop size, never headless's 800×600.
var stealthWindow = Size{1920, 1080}

// identityFor decides what the browser of a launch reports about itself. A
// stealth browser shows its own user agent without "Headless" (or the
// session's, with client hints to match), the session's locale, and a
// timezone that is not UTC. Any other browser changes only what the session
// asked for; its timezone comes from TZ alone.
func identityFor(opts LaunchOptions) (stealth.Identity, error) {
	id := stealth.Identity{Locale: opts.Lang}
	if opts.Stealth {
		id.Timezone = stealth.Timezone(opts.Timezone, opts.Lang)
	}
	if !opts.Stealth && opts.UserAgent == "" && opts.Lang == "" {
		return id, nil
	}
	own, err := browserUA(opts, opts.ExecPath, filepath.Clean(opts.TempDir)+"u")
	if err != nil {
		return stealth.Identity{}, err
	}
	ua := &own
	if opts.Stealth {
		ua = ua.WithoutHeadless().AsChrome()
	}
	if opts.UserAgent != "" {
		ua = ua.As(opts.UserAgent)
	}
	id.UA = ua.WithLocale(opts.Lang)
	return id, nil
}

// withIdentity completes the launch options with what the identity needs
// from the command line and the environment: the user agent, which only the
// flag changes inside service workers, the timezone, which TZ sets in every
// process, and, for stealth, a real window: in headless, one whose inner
// size is the session's viewport, with the browser's chrome above it.
func withIdentity(opts LaunchOptions, id stealth.Identity) LaunchOptions {
	if id.UA != nil {
		opts.UserAgent = id.UA.UserAgent
	}
	if opts.Stealth {
		opts.Timezone = id.Timezone
		if opts.Window.Width <= 0 || opts.Window.Height <= 0 {
			opts.Window = stealthWindow
		}
		if opts.Headless {
			// the window holds the browser's chrome above the page, so
			// that pages see the session's viewport as their inner size
			opts.Window.Height += stealth.ChromeHeight
		}
	}
	return opts
}

// windowViewport is the inner size that pages of a launch get from the
// window itself, without emulation, and the desktop the window sits on;
// zero and nil when they are not known (not a headless stealth browser).
func windowViewport(opts LaunchOptions) (Size, *stealth.Desktop) {
	if !opts.Stealth || !opts.Headless || opts.Window.Height <= stealth.ChromeHeight {
		return Size{}, nil
	}
	d := stealth.DesktopFor(opts.Window.Width, opts.Window.Height)
	return Size{opts.Window.Width, opts.Window.Height - stealth.ChromeHeight}, &d
}
