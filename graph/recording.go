package graph

import (
	"context"

	"github.com/sessionql/sessionql"
)

// RecordingStopper ends the recording of the request's session.
type RecordingStopper func(ctx context.Context) error

type recordingStopKey struct{}

// WithRecordingStop tells Handler.Serve how stopSessionRecording ends the
// session's recording; the REST layer sets it on the HTTP request's context.
func WithRecordingStop(ctx context.Context, stop RecordingStopper) context.Context {
	return context.WithValue(ctx, recordingStopKey{}, stop)
}

// stopRecording runs the request's RecordingStopper.
func stopRecording(ctx context.Context) error {
	stop, ok := ctx.Value(recordingStopKey{}).(RecordingStopper)
	if !ok {
		return sessionql.Errorf(sessionql.CodeInternal, "The server did not tell this request how to stop recordings.")
	}
	return stop(ctx)
}
