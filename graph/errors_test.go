package graph

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/sessionql/sessionql"
)

// TestRecoverPanicLogsAndAnswersInternal checks what the executor's recover
// function does with a resolver's panic: an internal field error for the
// client, and the panic with its stack in the log.
func TestRecoverPanicLogsAndAnswersInternal(t *testing.T) {
	var logged bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	err := recoverPanic(context.Background(), "nil pointer dereference")
	var app *sessionql.Error
	if !errors.As(err, &app) || app.Code != sessionql.CodeInternal {
		t.Errorf("recoverPanic = %v, want an internal error", err)
	}
	if out := logged.String(); !strings.Contains(out, "nil pointer dereference") || !strings.Contains(out, "stack=") {
		t.Errorf("log = %q", out)
	}
}
