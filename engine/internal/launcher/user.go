package launcher

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
)

// User is the unprivileged account a browser runs as.
type User struct {
	Name     string
	UID, GID uint32
}

var rootWarning sync.Once

// LookupUser resolves the user browsers run as. Only a server running as
// root switches users, so it returns nil otherwise; "root" is the
// operator's explicit opt-out, and nil too.
func LookupUser(name string) (*User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("the browser user %q does not exist; create it or set BROWSER_USER to another user", name)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	if uid == 0 {
		rootWarning.Do(func() {
			slog.Warn("browsers run as root (BROWSER_USER=root): a page that escapes the browser owns the server")
		})
		return nil, nil
	}
	return &User{Name: name, UID: uint32(uid), GID: uint32(gid)}, nil
}

// CheckReach checks that the user can reach dir: every folder above it
// must let that user through.
func (u *User) CheckReach(dir string) error {
	if u == nil {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		if info, err := os.Stat(d); err == nil && !u.canEnter(info) {
			return fmt.Errorf("browsers run as %s, who cannot enter %s above the data dir; run chmod o+x %s, or use another DATA_DIR", u.Name, d, d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// canEnter reports whether the user may pass through a folder.
func (u *User) canEnter(info fs.FileInfo) bool {
	uid, gid, ok := owner(info)
	mode := info.Mode().Perm()
	switch {
	case !ok:
		return true
	case uid == u.UID:
		return mode&0o100 != 0
	case gid == u.GID:
		return mode&0o010 != 0
	}
	return mode&0o001 != 0
}

// Own gives the user a folder the browser writes to, and what is below it
// when the folder had another owner, as profiles of an older version that
// ran browsers as root do.
func (u *User) Own(dir string) error {
	if u == nil {
		return nil
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if uid, gid, ok := owner(info); ok && uid == u.UID && gid == u.GID {
		return nil
	}
	return filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(u.UID), int(u.GID))
	})
}
