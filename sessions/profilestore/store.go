// Package profilestore keeps hibernated profiles away from the machine
// that ran them (PROFILE_STORE): in an S3-compatible bucket (s3://) or a
// shared folder (file://). A profile is packed into a gzipped tar as it is
// read and unpacked as it is downloaded, never whole in memory.
package profilestore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/sessionql/sessionql/sessions"
)

// DefaultMaxProfileSize is MAX_PROFILE_SIZE when none is set.
const DefaultMaxProfileSize = 1 << 30

// Settings are what PROFILE_STORE needs besides its URL.
type Settings struct {
	Endpoint string // S3_ENDPOINT, e.g. http://127.0.0.1:7070; empty for AWS
	MaxSize  int64  // MAX_PROFILE_SIZE; zero means DefaultMaxProfileSize
	// AccessKey and SecretKey are AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY; Region is AWS_REGION.
	AccessKey, SecretKey, Region string
}

// Open returns the store PROFILE_STORE names, after checking that it can
// be used: the folder exists, or the bucket exists and the credentials
// (the standard AWS_* variables) are accepted.
func Open(ctx context.Context, raw string, set Settings) (sessions.ProfileStore, error) {
	if set.MaxSize <= 0 {
		set.MaxSize = DefaultMaxProfileSize
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("PROFILE_STORE %q is not a URL: %w", raw, err)
	}
	var b backend
	switch u.Scheme {
	case "file":
		b, err = openFolder(ctx, u.Path)
	case "s3":
		b, err = openBucket(ctx, u.Host, set)
	default:
		return nil, fmt.Errorf("PROFILE_STORE %q must be s3://bucket/prefix or file:///dir", raw)
	}
	if err != nil {
		return nil, err
	}
	return &store{objects: b, prefix: strings.Trim(u.Path, "/"), max: set.MaxSize}, nil
}

// backend keeps named objects; a missing one wraps sessions.ErrProfileLost.
type backend interface {
	put(ctx context.Context, key string, r io.Reader) error
	get(ctx context.Context, key string) (io.ReadCloser, error)
	remove(ctx context.Context, key string) error
	list(ctx context.Context, prefix string) ([]string, error)
	check(ctx context.Context) error
}

// store packs profiles into objects of a backend under prefix/<id>/.
type store struct {
	objects backend
	prefix  string // "" for a folder
	max     int64
}

// Check reports whether the bucket or folder can be used now; the server's
// readiness asks it.
func (s *store) Check(ctx context.Context) error { return s.objects.check(ctx) }

func (s *store) dir(id string) string { return path.Join(s.prefix, id) + "/" }

// Save packs the profile in dir and uploads it under a new key.
func (s *store) Save(ctx context.Context, id, dir string) (string, error) {
	key := s.dir(id) + strconv.FormatInt(time.Now().UnixNano(), 10) + "-" + rand.Text()[:8] + ".tar.gz"
	r, w := io.Pipe()
	packed := make(chan error, 1)
	go func() {
		err := pack(dir, w, s.max)
		w.CloseWithError(err)
		packed <- err
	}()
	err := s.objects.put(ctx, key, r)
	r.CloseWithError(errors.New("the upload ended"))
	if perr := <-packed; perr != nil {
		err = perr // the cause, rather than the upload's view of it
	}
	if err != nil {
		s.objects.remove(context.WithoutCancel(ctx), key)
		return "", err
	}
	return key, nil
}

// Load downloads the copy under key and unpacks it into dir.
func (s *store) Load(ctx context.Context, key, dir string) error {
	if !strings.HasPrefix(key, s.prefix) || strings.Contains(key, "..") {
		return fmt.Errorf("%w: its key %q is not one of this profile store's", sessions.ErrProfileLost, key)
	}
	body, err := s.objects.get(ctx, key)
	if err != nil {
		return err
	}
	defer body.Close()
	src := &source{r: body}
	err = unpack(src, dir, s.max)
	if src.err != nil && src.err != io.EOF {
		return fmt.Errorf("download of %s: %w", key, src.err) // the store, not the archive
	}
	return err
}

// DeleteKey removes one copy.
func (s *store) DeleteKey(ctx context.Context, key string) error { return s.objects.remove(ctx, key) }

// Delete removes every copy kept for session id.
func (s *store) Delete(ctx context.Context, id string) error {
	keys, err := s.objects.list(ctx, s.dir(id))
	for _, k := range keys {
		err = errors.Join(err, s.objects.remove(ctx, k))
	}
	if err == nil {
		err = s.objects.remove(ctx, s.dir(id)) // a folder's now empty folder
	}
	return err
}

// source remembers the error of the download, so that it is told apart
// from a damaged archive.
type source struct {
	r   io.Reader
	err error
}

func (s *source) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil {
		s.err = err
	}
	return n, err
}
