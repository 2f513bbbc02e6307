package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/sessionql/sessionql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// PresentError gives every field error an extensions.code: the app error's
// code, gqlgen's own codes in snake_case (graphql_parse_failed,
// graphql_validation_failed, persisted_query_not_found), or internal for
// anything unexpected, whose details stay in the log.
func PresentError(ctx context.Context, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	var app *sessionql.Error
	if errors.As(err, &app) {
		gqlErr.Message = app.Message
		setCode(gqlErr, app.Code)
		return gqlErr
	}
	var already *gqlerror.Error
	if errors.As(err, &already) && already.Extensions["code"] != nil {
		if code, ok := already.Extensions["code"].(string); ok {
			setCode(gqlErr, strings.ToLower(code)) // gqlgen's GRAPHQL_PARSE_FAILED, in the one style of every code
		}
		return gqlErr
	}
	setCode(gqlErr, sessionql.CodeInternal)
	return gqlErr
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}

// recoverPanic turns a panic in a resolver into that field's internal error
// and logs it, with its stack, through slog; the request goes on.
func recoverPanic(ctx context.Context, p any) error {
	field := ""
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		field = fc.Path().String()
	}
	slog.ErrorContext(ctx, "bql: a resolver panicked", "field", field, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	return sessionql.Errorf(sessionql.CodeInternal, "The server failed on this field; the failure is logged.")
}
