package sessions

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// profileCaches are the folders of a profile that Chromium rebuilds by
// itself: caches, which are most of a profile's size and none of its state.
var profileCaches = map[string]bool{
	"Cache": true, "Code Cache": true, "GPUCache": true, "GrShaderCache": true, "ShaderCache": true,
	"GraphiteDawnCache": true, "DawnCache": true, "DawnGraphiteCache": true, "DawnWebGPUCache": true,
	"component_crx_cache": true, "extensions_crx_cache": true, "Crashpad": true, "CacheStorage": true, "ScriptCache": true,
}

// SkipInProfile reports whether a copy of a profile leaves out the entry
// named name: a cache folder, or one of Chromium's Singleton* lock files.
func SkipInProfile(name string, dir bool) bool {
	return dir && profileCaches[name] || strings.HasPrefix(name, "Singleton")
}

// localCopies is the ProfileStore of contexts when hibernated profiles stay
// where they ran (LocalProfiles): each version of a context is a copy of a
// profile folder under root.
type localCopies struct{ root string }

// Save copies the profile in dir to a new key under id.
func (l localCopies) Save(_ context.Context, id, dir string) (string, error) {
	key := id + "/" + strconv.FormatInt(time.Now().UnixNano(), 10) + "-" + strings.ToLower(rand.Text()[:8])
	tmp := filepath.Join(l.root, id, ".saving-"+filepath.Base(key))
	err := copyTree(dir, tmp)
	if err == nil {
		err = os.Rename(tmp, filepath.Join(l.root, key))
	}
	if err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	return key, nil
}

// Load copies the kept copy under key to dir.
func (l localCopies) Load(_ context.Context, key, dir string) error {
	src, err := l.path(key)
	if err != nil {
		return err
	}
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("%w: %v", ErrProfileLost, err)
	}
	return copyTree(src, dir)
}

// DeleteKey removes one copy.
func (l localCopies) DeleteKey(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	return os.RemoveAll(p)
}

// Delete removes every copy kept under id.
func (l localCopies) Delete(_ context.Context, id string) error {
	return os.RemoveAll(filepath.Join(l.root, filepath.Base(id)))
}

func (l localCopies) path(key string) (string, error) {
	if !filepath.IsLocal(key) {
		return "", fmt.Errorf("%w: the key %q is not one of this store's", ErrProfileLost, key)
	}
	return filepath.Join(l.root, key), nil
}

// copyTree copies the folders and regular files of a profile, without its
// caches and lock files; links and devices are left out, never followed.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if path != src && SkipInProfile(d.Name(), d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o700)
		case d.Type().IsRegular():
			return copyFile(path, target)
		}
		return nil
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // a file Chromium removed on its way out
	}
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}
