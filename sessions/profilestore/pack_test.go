package profilestore

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/sessionql/sessionql/internal/testutil"
	"github.com/sessionql/sessionql/sessions"
)

// writeProfile makes a profile folder as Chromium leaves it: state, a
// cache, Singleton lock links and a link out of the profile.
func writeProfile(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "profile")
	for name, content := range map[string]string{
		"Local State": "{}",
		"Default/Local Storage/leveldb/000003.log": "theme=dark",
		"Default/IndexedDB/http_x_0.leveldb/LOG":   "idb",
		"Default/Cache/Cache_Data/data_1":          strings.Repeat("c", 1000),
		"Default/Code Cache/js/index":              "cc",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []struct{ from, to string }{{"SingletonLock", "host-123"}, {"SingletonSocket", "/tmp/x"}, {"Default/escape", "/etc/passwd"}} {
		if err := os.Symlink(l.to, filepath.Join(dir, l.from)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// files lists the regular files under dir, relative, with their content.
func files(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			raw, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = string(raw)
		}
		return err
	})
	return out
}

// TestPackKeepsStateOnly packs a profile and unpacks it elsewhere: state
// is there; caches, Singleton files and links are not.
func TestPackKeepsStateOnly(t *testing.T) {
	var buf bytes.Buffer
	if err := pack(writeProfile(t), &buf, 1<<20); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := unpack(&buf, out, 1<<20); err != nil {
		t.Fatal(err)
	}
	got := files(t, out)
	want := map[string]string{"Local State": "{}", "Default/Local Storage/leveldb/000003.log": "theme=dark", "Default/IndexedDB/http_x_0.leveldb/LOG": "idb"}
	if len(got) != len(want) {
		t.Errorf("unpacked %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
}

// TestPackRefusesTooLarge packs a profile over the limit: a TooLargeError.
func TestPackRefusesTooLarge(t *testing.T) {
	var tooLarge *TooLargeError
	if err := pack(writeProfile(t), &bytes.Buffer{}, 10); !errors.As(err, &tooLarge) || !strings.Contains(err.Error(), "MAX_PROFILE_SIZE") {
		t.Fatalf("pack over the limit: %v", err)
	}
}

// archive is a gzipped tar of the given headers, each file holding body.
func archive(t *testing.T, body string, headers ...*tar.Header) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, h := range headers {
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(body))
		}
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// TestUnpackRefusesPathTricks feeds archives that try to write outside
// the profile, through links, or past the limit: each is refused as a
// lost profile, and nothing lands outside the folder.
func TestUnpackRefusesPathTricks(t *testing.T) {
	reg := func(name string) *tar.Header { return &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o600} }
	for name, raw := range map[string][]byte{
		"dot-dot":      archive(t, "x", reg("../escaped")),
		"nested":       archive(t, "x", reg("a/../../escaped")),
		"absolute":     archive(t, "x", reg("/tmp/escaped")),
		"symlink":      archive(t, "", &tar.Header{Typeflag: tar.TypeSymlink, Name: "link", Linkname: "/etc"}, reg("link/escaped")),
		"hardlink":     archive(t, "", &tar.Header{Typeflag: tar.TypeLink, Name: "link", Linkname: "/etc/passwd"}),
		"device":       archive(t, "", &tar.Header{Typeflag: tar.TypeChar, Name: "null"}),
		"twice":        archive(t, "x", reg("a"), reg("a")),
		"too large":    archive(t, strings.Repeat("x", 100), reg("big")),
		"not gzip":     []byte("definitely not a profile"),
		"cut short":    archive(t, strings.Repeat("x", 5000), reg("a"))[:60],
		"empty header": archive(t, "x", reg("")),
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			err := unpack(bytes.NewReader(raw), filepath.Join(root, "p"), 50)
			if !errors.Is(err, sessions.ErrProfileLost) {
				t.Errorf("unpack: %v, want a lost profile", err)
			}
			if _, err := os.Stat(filepath.Join(root, "escaped")); err == nil {
				t.Error("a file was written outside the profile")
			}
		})
	}
}

// stores are the two kinds of profile store, each on a prefix of its own.
func stores(t *testing.T) map[string]sessions.ProfileStore {
	ctx := context.Background()
	folder, err := Open(ctx, "file://"+t.TempDir(), Settings{})
	if err != nil {
		t.Fatal(err)
	}
	bucket, err := Open(ctx, "s3://"+testutil.S3Bucket+"/"+strings.ToLower(rand.Text()[:8]), Settings{Endpoint: testutil.Running().S3.Endpoint(), AccessKey: testutil.S3AccessKey, SecretKey: testutil.S3SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]sessions.ProfileStore{"file": folder, "s3": bucket}
}

// TestSaveLoadDelete keeps two copies of a profile, loads the newer, and
// deletes one and then all: a deleted copy is lost, not unavailable.
func TestSaveLoadDelete(t *testing.T) {
	ctx := context.Background()
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			dir := writeProfile(t)
			first, err := st.Save(ctx, "sess1", dir)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "Local State"), []byte(`{"v":2}`), 0o600)
			second, err := st.Save(ctx, "sess1", dir)
			if err != nil || second == first {
				t.Fatalf("second save: %q, %v (first %q)", second, err, first)
			}
			out := filepath.Join(t.TempDir(), "out")
			if err := st.Load(ctx, second, out); err != nil {
				t.Fatal(err)
			}
			if got := files(t, out)["Local State"]; got != `{"v":2}` {
				t.Errorf("loaded Local State %q", got)
			}
			if err := st.DeleteKey(ctx, first); err != nil {
				t.Fatal(err)
			}
			if err := st.Load(ctx, first, filepath.Join(t.TempDir(), "x")); !errors.Is(err, sessions.ErrProfileLost) {
				t.Errorf("load of a deleted copy: %v", err)
			}
			if err := st.Delete(ctx, "sess1"); err != nil {
				t.Fatal(err)
			}
			if err := st.Load(ctx, second, filepath.Join(t.TempDir(), "y")); !errors.Is(err, sessions.ErrProfileLost) {
				t.Errorf("load after Delete: %v", err)
			}
		})
	}
}

// TestSaveTooLargeKeepsNothing saves a profile over MAX_PROFILE_SIZE: the
// error says so, and no object is left behind.
func TestSaveTooLargeKeepsNothing(t *testing.T) {
	st, err := Open(context.Background(), "s3://"+testutil.S3Bucket+"/large", Settings{Endpoint: testutil.Running().S3.Endpoint(), AccessKey: testutil.S3AccessKey, SecretKey: testutil.S3SecretKey, MaxSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	var tooLarge *TooLargeError
	if _, err := st.Save(context.Background(), "big", writeProfile(t)); !errors.As(err, &tooLarge) {
		t.Fatalf("save over the limit: %v", err)
	}
	for o := range testutil.Running().S3.Client().ListObjects(context.Background(), testutil.S3Bucket, minio.ListObjectsOptions{Prefix: "large/", Recursive: true}) {
		t.Errorf("left behind: %s %v", o.Key, o.Err)
	}
}

// TestOpenRefusesBadSettings checks what is refused at start, each with a
// message that says what to fix.
func TestOpenRefusesBadSettings(t *testing.T) {
	good := Settings{Endpoint: testutil.Running().S3.Endpoint(), AccessKey: testutil.S3AccessKey, SecretKey: testutil.S3SecretKey}
	noCreds, badCreds, down := good, good, good
	noCreds.AccessKey = ""
	badCreds.SecretKey = "wrong"
	down.Endpoint = "http://127.0.0.1:1"
	for _, c := range []struct {
		url  string
		set  Settings
		want string
	}{
		{"s3://missing-bucket/p", good, "does not exist"},
		{"s3://" + testutil.S3Bucket + "/p", noCreds, "no credentials"},
		{"s3://" + testutil.S3Bucket + "/p", badCreds, "cannot be used"},
		{"s3://" + testutil.S3Bucket + "/p", down, "cannot be used"},
		{"file:///does/not/exist", good, "must exist"},
		{"gs://bucket", good, "must be s3://"},
	} {
		if _, err := Open(context.Background(), c.url, c.set); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%s): %v, want an error saying %q", c.url, err, c.want)
		}
	}
}
