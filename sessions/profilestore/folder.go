package profilestore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// folder is a backend on a (shared) folder: file:///dir.
type folder struct{ root string }

func openFolder(ctx context.Context, root string) (*folder, error) {
	f := &folder{root: root}
	if err := f.check(ctx); err != nil {
		return nil, err
	}
	return f, nil
}

// check asks whether the folder is there.
func (f *folder) check(context.Context) error {
	info, err := os.Stat(f.root)
	if err != nil || !info.IsDir() {
		return fmt.Errorf("PROFILE_STORE file://%s: the folder must exist (%v)", f.root, err)
	}
	return nil
}

func (f *folder) path(key string) string { return filepath.Join(f.root, filepath.FromSlash(key)) }

// put writes to a temporary name and renames it once complete, so that a
// key never names half a profile.
func (f *folder) put(_ context.Context, key string, r io.Reader) error {
	p := f.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, r)
	err = errors.Join(err, tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func (f *folder) get(_ context.Context, key string) (io.ReadCloser, error) {
	r, err := os.Open(f.path(key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s is gone from the profile store", errLost, key)
	}
	return r, err
}

func (f *folder) remove(_ context.Context, key string) error {
	err := os.Remove(f.path(key))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

func (f *folder) list(_ context.Context, prefix string) ([]string, error) {
	entries, err := os.ReadDir(f.path(prefix))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	var keys []string
	for _, e := range entries {
		keys = append(keys, prefix+e.Name())
	}
	return keys, err
}
