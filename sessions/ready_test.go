package sessions_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/sessions"
	"github.com/sessionql/sessionql/sessions/profilestore"
)

// TestReadyChecksTheProfileStore: with PROFILE_STORE in an S3 server of its
// own, the server is ready while the server runs, answers store_unavailable
// while it is down, and is ready again once it is back.
func TestReadyChecksTheProfileStore(t *testing.T) {
	dir := testutil.DataDir(t)
	s3, err := testutil.StartS3(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s3.Stop)
	profiles, err := profilestore.Open(context.Background(), "s3://"+testutil.S3Bucket+"/ready", profilestore.Settings{Endpoint: s3.Endpoint(), AccessKey: testutil.S3AccessKey, SecretKey: testutil.S3SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	s, err := sessions.Open(sessions.Config{
		DataDir: filepath.Join(dir, "data"), ChromePath: testutil.ChromePath(t), MaxBrowsers: 1, MaxSessions: 10,
		IdleTimeout: time.Minute, Queue: 1, QueueTimeout: time.Second, MaxTTL: time.Hour, Profiles: profiles,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Ready(); err != nil {
		t.Fatalf("ready with the bucket there: %v", err)
	}
	s3.Stop()
	if code := sessionql.ErrorCode(s.Ready()); code != sessionql.CodeStoreUnavailable {
		t.Errorf("ready with the S3 server down: %v; want store_unavailable", s.Ready())
	}
	if err := s3.Start(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(); err != nil {
		t.Errorf("ready once the S3 server is back: %v", err)
	}
}
