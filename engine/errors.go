package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chromedp/cdproto"
	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// stepError turns what chromedp, Chromium or a context returned into the
// app's error codes, so transports never parse strings. what names the step
// in the message, e.g. "navigating to https://x".
func stepError(ctx context.Context, err error, code, what string, timeout time.Duration) error {
	var app *sessionql.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &app):
		return err
	case stopReason(ctx) != nil:
		return stopReason(ctx)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return sessionql.Errorf(sessionql.CodeTimeout, "Timed out after %dms %s.", timeout.Milliseconds(), what)
	case errors.Is(err, context.Canceled):
		return sessionql.Errorf(sessionql.CodeBrowserDisconnect, "The request ended while %s.", what)
	}
	var cdpErr *cdproto.Error
	if errors.As(err, &cdpErr) && cdpErr.Code == cdpmux.CodeAnswerTooLarge {
		return sessionql.Errorf(sessionql.CodeAnswerTooLarge, "The answer of %s was not read: %s.", what, cdpErr.Message)
	}
	if errors.As(err, &cdpErr) {
		return sessionql.Errorf(code, "The browser refused %s: %s.", what, cdpErr.Message)
	}
	return sessionql.Errorf(sessionql.CodeBrowserDisconnect, "The browser connection failed while %s: %v.", what, err)
}

// failf is an app error with the code and a formatted message.
func failf(code, format string, args ...any) error {
	return sessionql.Errorf(code, "%s", fmt.Sprintf(format, args...))
}
