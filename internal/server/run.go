package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/sessionql/sessionql/api"
	"github.com/sessionql/sessionql/graph"
	"github.com/sessionql/sessionql/sessions"
)

// Version is set at build time with
// -ldflags "-X github.com/sessionql/sessionql/internal/server.Version=...".
var Version = "dev"

// shutdownGrace bounds how long running requests may finish on shutdown.
const shutdownGrace = 20 * time.Second

// Run reads the configuration from args and the environment, opens the
// session service and serves until ctx ends. stdout receives --help and
// --version (which return ErrHelp), stderr the log; ready, if not nil,
// receives the address once the server listens.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) error {
	cfg, err := Parse(ctx, args, stdout)
	if err != nil {
		return err
	}
	slog.SetDefault(newLogger(stderr, cfg))
	chrome, err := chromeVersion(ctx, cfg.Chrome)
	if err != nil {
		return err
	}
	svc, err := openSessions(ctx, cfg)
	if err != nil {
		return err
	}
	defer svc.Close()
	defer context.AfterFunc(ctx, svc.Drain)() // a signal ends browser launches under way at once
	bql, err := graph.NewHandler(Version)
	if err != nil {
		return err
	}
	bql.MaxAnswerBytes = cfg.MaxAnswerBytes
	defer bql.Close()
	router, metrics := api.NewHandlers(api.Config{Token: cfg.Token, PublicURL: cfg.PublicURL, MaxTTL: cfg.MaxTTL,
		ChromeStable: sessions.FindChromeStable(), CORSOrigins: cfg.CORSOrigins, BodyTimeout: cfg.BodyTimeout,
		MetricsPublic: cfg.MetricsPublic}, svc, bql)
	slog.Info("sessionql starting", "version", Version, "chromium", chrome, "max_browsers", cfg.MaxBrowsers, "data_dir", cfg.DataDir)
	if cfg.MetricsAddr != "" {
		stop := serveMetrics(ctx, cfg.MetricsAddr, metrics)
		defer stop()
	}
	return serve(ctx, "sessionql", cfg.Addr, router, ready)
}

// serveMetrics serves /metrics alone on addr, without the token, until
// the returned stop is called.
func serveMetrics(ctx context.Context, addr string, metrics http.Handler) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	go func() {
		defer close(done)
		if err := serve(ctx, "metrics", addr, mux, nil); err != nil {
			slog.Error("metrics: could not serve", "addr", addr, "err", err)
		}
	}()
	return func() { cancel(); <-done }
}

// openSessions opens the session service on the configured data dir.
func openSessions(ctx context.Context, cfg Config) (*sessions.Service, error) {
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	store, profiles, err := cfg.openStores(ctx)
	if err != nil {
		return nil, err
	}
	return sessions.Open(sessions.Config{Store: store, Profiles: profiles,
		DataDir: dataDir, ChromePath: cfg.Chrome, MaxBrowsers: cfg.MaxBrowsers, MaxSessions: cfg.MaxSessions,
		IdleTimeout: cfg.IdleTimeout, Queue: cfg.Queue, QueueTimeout: cfg.QueueTimeout, MaxTTL: cfg.MaxTTL,
		StateKey: cfg.StateKey, MaxStateBytes: cfg.MaxStateBytes, MaxAnswerBytes: cfg.MaxAnswerBytes, MaxTabs: cfg.MaxTabs,
		BrowserUser: cfg.BrowserUser, AllowFileURLs: cfg.AllowFileURLs, BlockPrivateNetworks: cfg.BlockPrivateNetworks, AdLists: cfg.AdLists,
		LogRetention: cfg.LogRetention, LogMaxBytes: cfg.LogMaxBytes, RecordingMaxBytes: cfg.RecordingMaxBytes,
	})
}

// serve listens until ctx ends, then stops accepting and lets running
// requests finish within shutdownGrace.
func serve(ctx context.Context, name, addr string, h http.Handler, ready chan<- string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	slog.Info(name+" listening", "addr", ln.Addr().String())
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
	slog.Info(name+" shutting down: finishing requests", "addr", ln.Addr().String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	srv.Close()
	return nil
}
