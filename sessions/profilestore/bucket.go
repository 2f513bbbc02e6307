package profilestore

import (
	"context"
	"fmt"
	"io"
	"net/url"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// partSize is what one upload holds in memory at a time: a profile is sent
// in parts of this size as it is packed.
const partSize = 16 << 20

// maxRetries bounds the tries of one call, so that a wake while the
// bucket is down answers within seconds.
const maxRetries = 3

// bucket is a backend on an S3-compatible bucket: s3://bucket/prefix.
type bucket struct {
	client *minio.Client
	name   string
}

// openBucket connects with the standard AWS_* credentials and checks that
// the bucket exists and that they are accepted.
func openBucket(ctx context.Context, name string, set Settings) (*bucket, error) {
	if name == "" {
		return nil, fmt.Errorf("PROFILE_STORE must name a bucket: s3://bucket/prefix")
	}
	if set.AccessKey == "" || set.SecretKey == "" {
		return nil, fmt.Errorf("PROFILE_STORE s3://%s: no credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", name)
	}
	host, secure := "s3.amazonaws.com", true
	if set.Endpoint != "" {
		u, err := url.Parse(set.Endpoint)
		if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
			return nil, fmt.Errorf("S3_ENDPOINT %q must be a URL such as http://127.0.0.1:7070", set.Endpoint)
		}
		host, secure = u.Host, u.Scheme == "https"
	}
	creds := credentials.NewStaticV4(set.AccessKey, set.SecretKey, "")
	client, err := minio.New(host, &minio.Options{Creds: creds, Secure: secure, Region: set.Region, MaxRetries: maxRetries})
	if err != nil {
		return nil, fmt.Errorf("PROFILE_STORE s3://%s at %s: %w", name, host, err)
	}
	b := &bucket{client: client, name: name}
	if err := b.check(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// check asks whether the bucket exists and the credentials are accepted.
func (b *bucket) check(ctx context.Context) error {
	ok, err := b.client.BucketExists(ctx, b.name)
	if err != nil {
		return fmt.Errorf("PROFILE_STORE s3://%s at %s cannot be used: %w", b.name, b.client.EndpointURL().Host, err)
	}
	if !ok {
		return fmt.Errorf("PROFILE_STORE s3://%s at %s: the bucket does not exist; create it first", b.name, b.client.EndpointURL().Host)
	}
	return nil
}

func (b *bucket) put(ctx context.Context, key string, r io.Reader) error {
	_, err := b.client.PutObject(ctx, b.name, key, r, -1, minio.PutObjectOptions{PartSize: partSize, ContentType: "application/gzip"})
	return err
}

// get checks that the object exists before it is read, so that a missing
// one is told apart from a store that does not answer.
func (b *bucket) get(ctx context.Context, key string) (io.ReadCloser, error) {
	if _, err := b.client.StatObject(ctx, b.name, key, minio.StatObjectOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, fmt.Errorf("%w: %s is gone from the bucket %s", errLost, key, b.name)
		}
		return nil, err
	}
	return b.client.GetObject(ctx, b.name, key, minio.GetObjectOptions{})
}

func (b *bucket) remove(ctx context.Context, key string) error {
	return b.client.RemoveObject(ctx, b.name, key, minio.RemoveObjectOptions{})
}

func (b *bucket) list(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	for o := range b.client.ListObjects(ctx, b.name, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return keys, o.Err
		}
		keys = append(keys, o.Key)
	}
	return keys, nil
}
