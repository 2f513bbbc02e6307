package server

import (
	"context"
	"os"
	"strings"

	"github.com/sessionql/sessionql/sessions"
	"github.com/sessionql/sessionql/sessions/pgstore"
	"github.com/sessionql/sessionql/sessions/profilestore"
)

// openStores opens DATABASE_URL and PROFILE_STORE, refusing what cannot be
// used now (unreachable database, missing bucket, no credentials); nil for
// either keeps the default in the data dir. S3 credentials are the
// standard AWS_* variables.
func (c *Config) openStores(ctx context.Context) (store sessions.Store, profiles sessions.ProfileStore, cluster sessions.Cluster, err error) {
	if c.ProfileStore != "" {
		set := profilestore.Settings{Endpoint: c.S3Endpoint, MaxSize: int64(c.MaxProfileSize),
			AccessKey: os.Getenv("AWS_ACCESS_KEY_ID"), SecretKey: os.Getenv("AWS_SECRET_ACCESS_KEY"), Region: os.Getenv("AWS_REGION")}
		if profiles, err = profilestore.Open(ctx, c.ProfileStore, set); err != nil {
			return nil, nil, nil, err
		}
	}
	if c.DatabaseURL != "" {
		pg, err := pgstore.Open(ctx, c.DatabaseURL)
		if err != nil {
			return nil, nil, nil, err
		}
		if c.NodeURL != "" {
			err = pg.Join(ctx, strings.TrimSuffix(c.NodeURL, "/"), c.NodeLease)
			cluster = pg
		} else {
			err = pg.Alone(ctx)
		}
		if err != nil {
			pg.Close()
			return nil, nil, nil, err
		}
		store, _ = sessions.SealStore(pg, c.StateKey) // the key's length is checked by validate
	}
	return store, profiles, cluster, nil
}
