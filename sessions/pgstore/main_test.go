package pgstore

import (
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// pg is the PostgreSQL server of the tests, started once by TestMain.
var pg *testutil.Postgres

func TestMain(m *testing.M) {
	testutil.RunMain(m, "pgstore", func(dir string) (func(), error) {
		var err error
		pg, err = testutil.StartPostgres(dir)
		return func() { pg.Stop() }, err
	})
}
