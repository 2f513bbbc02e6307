package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
)

// logAccess writes one line per request: method, route pattern (never the
// path, which may carry a token or a session credential), status, duration,
// session id and bytes written. A WebSocket's line comes when it closes.
func logAccess(r *http.Request, status int, took time.Duration, bytes int) {
	level := slog.LevelInfo
	switch {
	case status == http.StatusInternalServerError:
		level = slog.LevelError
	case status > http.StatusInternalServerError:
		level = slog.LevelWarn
	}
	if status == 0 {
		status = http.StatusOK
	}
	attrs := []slog.Attr{
		slog.String("method", methodLabel(r.Method)),
		slog.String("route", routeLabel(r, status)),
		slog.Int("status", status),
		slog.Duration("duration", took),
		slog.Int("bytes", bytes),
	}
	if id := chi.RouteContext(r.Context()).URLParam("id"); id != "" {
		attrs = append(attrs, slog.String("session", id))
	}
	slog.LogAttrs(context.WithoutCancel(r.Context()), level, "request", attrs...)
}
