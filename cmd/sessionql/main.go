// Command sessionql serves persistent headless Chromium sessions over REST,
// BrowserQL (GraphQL) and the Chrome DevTools Protocol.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/sessionql/sessionql/api"
	"github.com/sessionql/sessionql/graph"
	"github.com/sessionql/sessionql/sessions"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// shutdownGrace bounds how long running requests may finish on shutdown.
const shutdownGrace = 20 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, nil); err != nil {
		fmt.Fprintln(os.Stderr, "sessionql:", err)
		os.Exit(1)
	}
}

// run starts the server and serves until ctx ends. ready, if not nil,
// receives the address once the server listens.
func run(ctx context.Context, args []string, getenv func(string) string, ready chan<- string) error {
	if len(args) > 0 && args[0] == "check" {
		return check(args[1:], getenv, os.Stdout)
	}
	cfg, err := parseConfig(args, getenv)
	if err != nil {
		return err
	}
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	svc, err := sessions.Open(sessions.Config{
		DataDir: dataDir, ChromePath: cfg.Chrome, MaxBrowsers: cfg.MaxBrowsers, MaxSessions: cfg.MaxSessions,
		IdleTimeout: cfg.IdleTimeout, Queue: cfg.Queue, QueueTimeout: cfg.QueueTimeout, MaxTTL: cfg.MaxTTL,
		StateKey: cfg.StateKey, MaxStateBytes: cfg.MaxStateBytes, MaxAnswerBytes: cfg.MaxAnswerBytes, MaxTabs: cfg.MaxTabs,
		BrowserUser: cfg.BrowserUser, AllowFileURLs: cfg.AllowFileURLs, BlockPrivateNetworks: cfg.BlockPrivateNetworks, AdLists: cfg.AdLists,
	})
	if err != nil {
		return err
	}
	defer svc.Close()
	defer context.AfterFunc(ctx, svc.Drain)() // a signal ends browser launches under way at once
	bql, err := graph.NewHandler(version)
	if err != nil {
		return err
	}
	bql.MaxAnswerBytes = cfg.MaxAnswerBytes
	defer bql.Close()
	router := api.NewRouter(api.Config{Token: cfg.Token, PublicURL: cfg.PublicURL, MaxTTL: cfg.MaxTTL, ChromeStable: sessions.FindChromeStable(),
		CORSOrigins: cfg.CORSOrigins, BodyTimeout: cfg.BodyTimeout}, svc, bql)
	return serve(ctx, cfg.Addr, router, ready)
}

// serve listens until ctx ends, then stops accepting and lets running
// requests finish within shutdownGrace.
func serve(ctx context.Context, addr string, h http.Handler, ready chan<- string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	slog.Info("sessionql listening", "addr", ln.Addr().String(), "version", version)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: finishing requests, hibernating browsers")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	srv.Close()
	return nil
}
