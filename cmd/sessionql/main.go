// Command sessionql serves persistent headless Chromium sessions over REST,
// BrowserQL (GraphQL) and the Chrome DevTools Protocol.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	sessionql "github.com/sessionql/sessionql/internal/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:])
	if errors.Is(err, sessionql.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sessionql:", err)
		os.Exit(1)
	}
}

// run is `sessionql check …` or the sessionql.
func run(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "check" {
		return check(args[1:], os.Stdout)
	}
	return sessionql.Run(ctx, args, os.Stdout, os.Stderr, nil)
}
