package sessions

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/sessionql/sessionql/engine"
)

// prepareDirs creates the data dir, ends orphaned browsers and empties the
// temporary dir they used. The browser user may pass through the folders
// that hold each session's own, but not list them; sessions.db stays the
// server's alone.
func prepareDirs(cfg Config) error {
	if err := engine.CheckBrowserUser(cfg.BrowserUser, cfg.DataDir); err != nil {
		return err
	}
	for _, dir := range []string{cfg.DataDir, profilesDir(cfg), filesRoot(cfg)} {
		if err := passable(dir); err != nil {
			return err
		}
	}
	engine.ReapOrphans(profilesDir(cfg))
	if err := os.RemoveAll(tempRoot(cfg)); err != nil {
		return err
	}
	return passable(tempRoot(cfg))
}

// passable creates a folder that the browser user may pass through, or
// lets it through one that exists, keeping the rest of its mode.
func passable(dir string) error {
	if err := os.MkdirAll(dir, 0o711); err != nil {
		return err
	}
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	return os.Chmod(dir, info.Mode().Perm()|0o011)
}

func (s *Service) profileDir(id string) string { return filepath.Join(profilesDir(s.cfg), id) }

// filesRoot holds each session's files: what its browser downloads and what
// its users may hand to pages.
func filesRoot(cfg Config) string { return filepath.Join(cfg.DataDir, "files") }

func (s *Service) downloadsDir(id string) string {
	return filepath.Join(filesRoot(s.cfg), id, "downloads")
}

func (s *Service) uploadsDir(id string) string { return filepath.Join(filesRoot(s.cfg), id, "uploads") }

// removeDirs deletes a stopped session's profile and files; it returns the
// error of the profile's.
func (s *Service) removeDirs(id string) error {
	os.RemoveAll(filepath.Join(filesRoot(s.cfg), id))
	return os.RemoveAll(s.profileDir(id))
}

func profilesDir(cfg Config) string { return filepath.Join(cfg.DataDir, "profiles") }

// maxTempRoot keeps Chromium's socket paths under TMPDIR within the 108
// bytes a Unix socket path may have.
const maxTempRoot = 48

// tempRoot holds the TMPDIR of every launch. It is under the data dir when
// that path is short, else in the system temp dir under a name derived from
// the data dir, so that the next start finds and cleans it either way.
func tempRoot(cfg Config) string {
	root := filepath.Join(cfg.DataDir, "tmp")
	if len(root) <= maxTempRoot {
		return root
	}
	sum := sha256.Sum256([]byte(cfg.DataDir))
	return filepath.Join(os.TempDir(), "sessionql-"+hex.EncodeToString(sum[:6]))
}

// filesInProfile is where a session's files travel inside its closed
// profile when a ProfileStore keeps profiles away from the data dir.
const filesInProfile = "SessionQL Files"

// filesIntoProfile moves the session's files into its closed profile, so
// that the profile store keeps them with it; filesOutOfProfile, which the
// caller defers, moves them back.
func (s *Service) filesIntoProfile(id string) {
	if _, local := s.profiles.(LocalProfiles); local {
		return
	}
	err := os.Rename(filepath.Join(filesRoot(s.cfg), id), filepath.Join(s.profileDir(id), filesInProfile))
	if err != nil && !os.IsNotExist(err) {
		slog.Warn("the session's files could not join its profile; they stay on this server only", "session", id, "err", err)
	}
}

// filesOutOfProfile puts the files a profile carries in the session's
// files folder, in place of what was there, with the modes the browser
// user needs: it passes through the folders and reads the uploads.
func (s *Service) filesOutOfProfile(id string) error {
	carried := filepath.Join(s.profileDir(id), filesInProfile)
	if _, err := os.Stat(carried); err != nil {
		return nil
	}
	dir := filepath.Join(filesRoot(s.cfg), id)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.Rename(carried, dir); err != nil {
		return err
	}
	if err := passable(dir); err != nil {
		return err
	}
	return filepath.WalkDir(s.uploadsDir(id), func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil // no uploads
		case d.IsDir():
			return os.Chmod(path, 0o755)
		default:
			return os.Chmod(path, 0o644)
		}
	})
}
