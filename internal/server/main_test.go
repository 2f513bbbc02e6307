package server

import (
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// TestMain runs the tests with a temp folder of their own, removed at the
// end with whatever a killed server left in it.
func TestMain(m *testing.M) { testutil.RunInTemp(m) }
