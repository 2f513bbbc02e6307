package pgstore

import (
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

func TestMain(m *testing.M) { testutil.RunWithEngines(m) }
