package sessions_test

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/sessions"
	"github.com/sessionql/sessionql/sessions/pgstore"
	"github.com/sessionql/sessionql/sessions/profilestore"
)

// init adds PostgreSQL with profiles in S3 to the table of store back
// ends: each test gets a database and a bucket prefix of its own.
func init() {
	sessions.Backends = append(sessions.Backends, sessions.Backend{Name: "postgres+s3", Shared: true, Open: openShared})
}

func openShared(t testing.TB) func(sessions.Config) sessions.Config {
	url := testutil.Running().PG.Database(t)
	profiles := "s3://" + testutil.S3Bucket + "/" + strings.ToLower(rand.Text()[:10])
	return func(cfg sessions.Config) sessions.Config {
		t.Helper()
		var err error
		if cfg.Store, err = pgstore.Open(context.Background(), url); err != nil {
			t.Fatal(err)
		}
		cfg.Profiles, err = profilestore.Open(context.Background(), profiles, profilestore.Settings{Endpoint: testutil.Running().S3.Endpoint(), AccessKey: testutil.S3AccessKey, SecretKey: testutil.S3SecretKey})
		if err != nil {
			cfg.Store.Close()
			t.Fatal(err)
		}
		return cfg
	}
}
