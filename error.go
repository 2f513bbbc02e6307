// Package sessionql holds the domain types shared by the transports, the
// session lifecycle and the browser engine: the application error and its codes.
package sessionql

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Error codes name what went wrong in words a client can branch on. The
// transports map each one to an HTTP status or a GraphQL extensions.code.
const (
	CodeInvalidRequest     = "invalid_request"
	CodeStealthRequired    = "stealth_required"
	CodeUnauthorized       = "unauthorized"
	CodeSessionNotFound    = "session_not_found"
	CodeNotFound           = "not_found"          // no such endpoint
	CodeMethodNotAllowed   = "method_not_allowed" // the endpoint exists, not with this method
	CodePayloadTooLarge    = "payload_too_large"
	CodeTooManyRequests    = "too_many_requests"
	CodeBrowserUnavailable = "browser_unavailable"
	CodeForbiddenOrigin    = "forbidden_origin"
	CodeInvalidHost        = "invalid_host"
	CodeUnsupportedMedia   = "unsupported_media_type"
	CodeRequestTimeout     = "request_timeout"
	CodeInternal           = "internal"
	CodeStoreUnavailable   = "store_unavailable"
	CodeStateTooLarge      = "state_too_large"
	CodeAnswerTooLarge     = "answer_too_large"
	CodeSessionStopped     = "session_stopped" // the session was stopped while the request ran
	CodeFileNotFound       = "file_not_found"  // a session has no download or upload of that name
	CodeSessionMoving      = "session_moving"  // cluster mode: the session changes node; retry after Retry-After
	CodeContextNotFound    = "context_not_found"
	CodeUnsupported        = "unsupported" // a Browserbase feature this server cannot serve

	CodeTimeout           = "timeout"
	CodeSelectorNotFound  = "selector_not_found"
	CodeNavigationFailed  = "navigation_failed"
	CodeEvaluationFailed  = "evaluation_failed"
	CodeInvalidArgument   = "invalid_argument"
	CodeBrowserDisconnect = "browser_disconnected"
)

// Error is the one application error. Code is stable and machine-readable;
// Message is a sentence a person can act on.
type Error struct {
	Code    string
	Message string
}

// Error returns the message, so that logs read as sentences.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the code and a formatted message. A
// sentence that ends with a wrapped error's own period ("…: %v.") gets one
// period, not two.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: doubledPeriod.ReplaceAllString(fmt.Sprintf(format, args...), "$1.$2")}
}

// doubledPeriod is two periods that end a sentence (not an ellipsis, not
// a path's "../").
var doubledPeriod = regexp.MustCompile(`([^.])\.\.(\s|\)|$)`)

// ErrorCode returns the code of err when it is or wraps an *Error, and
// CodeInternal otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the message of err when it is or wraps an *Error, and
// a generic sentence otherwise, so that internal details do not leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred; the server log has the details."
}

// LimitError is a too_many_requests error with what the rate-limit headers
// tell the client.
type LimitError struct {
	Err        *Error
	Limit      int
	Remaining  int
	RetryAfter time.Duration
}

func (e *LimitError) Error() string { return e.Err.Message }

// Unwrap lets errors.As find the *Error inside.
func (e *LimitError) Unwrap() error { return e.Err }
