package pgstore

import (
	"testing"

	"github.com/sessionql/sessionql/events"
	"github.com/sessionql/sessionql/events/logtest"
	"github.com/sessionql/sessionql/internal/testutil"
)

// TestEventLog runs the checks every events.Log passes, on a database of
// its own per check.
func TestEventLog(t *testing.T) {
	logtest.Run(t, func(t *testing.T) events.Log {
		return open(t, testutil.Running().PG.Database(t)).EventLog()
	})
}

// TestRecordingLog runs the checks of a log that keeps its first events.
func TestRecordingLog(t *testing.T) {
	logtest.RunKeepFirst(t, func(t *testing.T) events.Log {
		return open(t, testutil.Running().PG.Database(t)).RecordingLog()
	})
}
