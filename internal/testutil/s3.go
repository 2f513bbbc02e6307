package testutil

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// versitygwVersion is the S3-compatible server the tests run.
const versitygwVersion = "v1.8.0"

// The credentials of the test S3 server.
const (
	S3AccessKey = "sessionql-test"
	S3SecretKey = "sessionql-test-secret"
	S3Bucket    = "sessions"
)

// S3 is a real S3-compatible server (versitygw on a local folder) that
// tests start on a free port, with one bucket, S3Bucket.
type S3 struct {
	dir, bin string
	port     int
	cmd      *exec.Cmd
	exited   chan struct{}
}

// StartS3 builds versitygw once into ~/.cache/sessionql/bin when it is not
// there yet (about two minutes), serves dir/s3 with it, and creates the
// bucket.
func StartS3(dir string) (*S3, error) {
	bin, err := versitygw()
	if err != nil {
		return nil, err
	}
	s := &S3{dir: filepath.Join(dir, "s3"), bin: bin}
	if err := os.Mkdir(s.dir, 0o700); err != nil {
		return nil, err
	}
	if s.port, err = FreePort(); err != nil {
		return nil, err
	}
	if err := s.Start(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Client().MakeBucket(ctx, S3Bucket, minio.MakeBucketOptions{}); err != nil {
		s.Stop()
		return nil, fmt.Errorf("create the test bucket: %w", err)
	}
	return s, nil
}

// versitygw returns the cached binary, building it first if needed.
func versitygw() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	binDir := filepath.Join(cache, "sessionql", "bin", "versitygw-"+versitygwVersion)
	bin := filepath.Join(binDir, "versitygw")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	cmd := exec.Command("go", "install", "github.com/versity/versitygw/cmd/versitygw@"+versitygwVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+binDir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build versitygw %s: %v: %s", versitygwVersion, err, out)
	}
	return bin, nil
}

// Endpoint is S3_ENDPOINT for the server.
func (s *S3) Endpoint() string { return "http://127.0.0.1:" + strconv.Itoa(s.port) }

// Env is the environment a server needs to use the bucket.
func (s *S3) Env() []string {
	return []string{"S3_ENDPOINT=" + s.Endpoint(), "AWS_ACCESS_KEY_ID=" + S3AccessKey, "AWS_SECRET_ACCESS_KEY=" + S3SecretKey}
}

// Client is a client of the server, for tests that look at or damage what
// it keeps.
func (s *S3) Client() *minio.Client {
	c, err := minio.New("127.0.0.1:"+strconv.Itoa(s.port), &minio.Options{Creds: credentials.NewStaticV4(S3AccessKey, S3SecretKey, "")})
	if err != nil {
		panic(err) // only a malformed endpoint fails, and this one is not
	}
	return c
}

// Start starts the server (again, after Stop) and waits until it accepts
// connections.
func (s *S3) Start() error {
	s.cmd = exec.Command(s.bin, "--access", S3AccessKey, "--secret", S3SecretKey, "--port", "127.0.0.1:"+strconv.Itoa(s.port), "--quiet", "posix", s.dir)
	ownChild(s.cmd, 0, 0)
	log, err := os.Create(filepath.Join(filepath.Dir(s.dir), "s3.log"))
	if err != nil {
		return err
	}
	s.cmd.Stdout, s.cmd.Stderr = log, log
	err = s.cmd.Start()
	log.Close()
	if err != nil {
		return err
	}
	s.exited = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.exited) }()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.port)); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("versitygw exited at start; see %s", filepath.Join(filepath.Dir(s.dir), "s3.log"))
		default:
		}
	}
	s.Stop()
	return fmt.Errorf("versitygw did not listen within 30s")
}

// Stop kills the server and waits until it has exited.
func (s *S3) Stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}
