// Package api is the HTTP transport: the REST lifecycle API, the BrowserQL
// endpoint and playground, and the CDP WebSocket of each session.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/sessionql/sessionql"
)

// statuses is the one table from error codes to HTTP statuses.
var statuses = map[string]int{
	sessionql.CodeInvalidRequest:     http.StatusBadRequest,
	sessionql.CodeInvalidArgument:    http.StatusBadRequest,
	sessionql.CodeStealthRequired:    http.StatusBadRequest,
	sessionql.CodeUnauthorized:       http.StatusUnauthorized,
	sessionql.CodeSessionNotFound:    http.StatusNotFound,
	sessionql.CodeNotFound:           http.StatusNotFound,
	sessionql.CodeFileNotFound:       http.StatusNotFound,
	sessionql.CodeMethodNotAllowed:   http.StatusMethodNotAllowed,
	sessionql.CodePayloadTooLarge:    http.StatusRequestEntityTooLarge,
	sessionql.CodeTooManyRequests:    http.StatusTooManyRequests,
	sessionql.CodeBrowserUnavailable: http.StatusServiceUnavailable,
	sessionql.CodeSessionStopped:     http.StatusConflict,
	sessionql.CodeSessionMoving:      http.StatusServiceUnavailable,
	sessionql.CodeForbiddenOrigin:    http.StatusForbidden,
	sessionql.CodeInvalidHost:        http.StatusMisdirectedRequest,
	sessionql.CodeUnsupportedMedia:   http.StatusUnsupportedMediaType,
	sessionql.CodeRequestTimeout:     http.StatusRequestTimeout,
	sessionql.CodeStoreUnavailable:   http.StatusServiceUnavailable,
	sessionql.CodeStateTooLarge:      http.StatusInsufficientStorage,
	sessionql.CodeContextNotFound:    http.StatusNotFound,
	sessionql.CodeUnsupported:        http.StatusBadRequest,
}

// retryAfter is when a client may try again after a refusal that passes
// by itself, such as a store that could not write.
var retryAfter = map[string]string{
	sessionql.CodeStoreUnavailable: "5",
}

// writeError answers with the SPEC's error shape and the matching status.
func writeError(w http.ResponseWriter, err error) {
	if errors.Is(err, context.Canceled) {
		return // the client is gone; nobody reads an answer
	}
	code := sessionql.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		status = http.StatusInternalServerError
		slog.Error("request failed", "err", err)
	}
	var limit *sessionql.LimitError
	if errors.As(err, &limit) {
		rateLimitHeaders(w.Header(), limit)
	}
	if secs, ok := retryAfter[code]; ok {
		w.Header().Set("Retry-After", secs)
	}
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": sessionql.ErrorMessage(err)}})
}

func rateLimitHeaders(h http.Header, l *sessionql.LimitError) {
	secs := max(int(l.RetryAfter.Round(time.Second)/time.Second), 1)
	h.Set("Retry-After", strconv.Itoa(secs))
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(l.Remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Duration(secs)*time.Second).Unix(), 10))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func invalid(format string, args ...any) error {
	return sessionql.Errorf(sessionql.CodeInvalidRequest, format, args...)
}
