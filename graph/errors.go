package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/sessionql/sessionql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// PresentError gives every field error an extensions.code: the app error's
// code, or internal for anything unexpected, whose details stay in the log.
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
