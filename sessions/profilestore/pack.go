package profilestore

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sessionql/sessionql/sessions"
)

// TooLargeError is a profile over MAX_PROFILE_SIZE.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the profile is over the server's limit of %d bytes (MAX_PROFILE_SIZE)", e.Limit)
}

// pack writes the profile in dir to w as a gzipped tar, streamed file by
// file: no caches, no Chromium Singleton* lock files, nothing but folders
// and regular files (a symlink is never followed), and at most max bytes
// of file content.
func pack(dir string, w io.Writer, max int64) error {
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		if sessions.SkipInProfile(d.Name(), d.IsDir()) && d.IsDir() {
			return filepath.SkipDir
		}
		if sessions.SkipInProfile(d.Name(), d.IsDir()) || !d.IsDir() && !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		return packOne(tw, path, filepath.ToSlash(rel), d, &total, max)
	})
	return errors.Join(err, tw.Close(), zw.Close())
}

func packOne(tw *tar.Writer, path, name string, d fs.DirEntry, total *int64, max int64) error {
	if d.IsDir() {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o700})
	}
	f, err := os.OpenFile(path, os.O_RDONLY|noFollow, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // a file Chromium removed on its way out
	}
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return err
	}
	if *total += info.Size(); *total > max {
		return &TooLargeError{Limit: max}
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o600, Size: info.Size(), ModTime: info.ModTime()}); err != nil {
		return err
	}
	_, err = io.CopyN(tw, f, info.Size())
	return err
}

// unpack reads what pack wrote into dir, which must not exist yet. It
// refuses entries that would land outside dir (absolute paths, ..), links
// and devices, and more than max bytes; those, and a damaged archive, wrap
// sessions.ErrProfileLost.
func unpack(r io.Reader, dir string, max int64) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return lost("it is not a profile archive: %v", err)
	}
	tr := tar.NewReader(zr)
	var total int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return lost("the archive is damaged: %v", err)
		}
		if err := unpackOne(tr, h, dir, &total, max); err != nil {
			return err
		}
	}
}

func unpackOne(tr *tar.Reader, h *tar.Header, dir string, total *int64, max int64) error {
	name := filepath.FromSlash(strings.TrimSuffix(h.Name, "/"))
	if name == "" || !filepath.IsLocal(name) {
		return lost("the archive holds the path %q, outside the profile", h.Name)
	}
	path := filepath.Join(dir, name)
	switch h.Typeflag {
	case tar.TypeDir:
		return os.MkdirAll(path, 0o700)
	case tar.TypeReg:
	default:
		return lost("the archive holds %q, which is not a file or folder", h.Name)
	}
	if *total += h.Size; *total > max {
		return fmt.Errorf("%w: %w", sessions.ErrProfileLost, &TooLargeError{Limit: max})
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, 0o600)
	if err != nil {
		return lost("the archive holds %q twice or over a folder: %v", h.Name, err)
	}
	_, err = io.Copy(f, tr)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return lost("the archive is damaged at %q: %v", h.Name, err)
	}
	return os.Chtimes(path, h.ModTime, h.ModTime)
}

var errLost = sessions.ErrProfileLost

func lost(format string, args ...any) error {
	return fmt.Errorf("%w: %s", sessions.ErrProfileLost, fmt.Sprintf(format, args...))
}
