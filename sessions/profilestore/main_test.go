package profilestore

import (
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
)

// s3 is the S3-compatible server of the tests, started once by TestMain.
var s3 *testutil.S3

func TestMain(m *testing.M) {
	testutil.RunMain(m, "profilestore", func(dir string) (func(), error) {
		var err error
		s3, err = testutil.StartS3(dir)
		return func() { s3.Stop() }, err
	})
}
