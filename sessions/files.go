package sessions

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
)

// File is one file of a session: something its browser downloaded or a
// user uploaded for its pages.
type File struct {
	Name      string    `json:"name"`
	Size      int64     `json:"size"`
	MimeType  string    `json:"mimeType"`
	CreatedAt time.Time `json:"createdAt"`
	// Complete is false while the browser is still writing a download.
	Complete bool `json:"complete"`
	// Path is where the file is on the server, which DevTools clients
	// hand to DOM.setFileInputFiles; only uploads have it.
	Path string `json:"path,omitempty"`
}

// DefaultMaxDownloadBytes is MAX_DOWNLOAD_BYTES when none is set: what one
// session's downloads may hold together.
const DefaultMaxDownloadBytes = engine.DefaultMaxDownloadBytes

// DefaultMaxUploadBytes is MAX_UPLOAD_BYTES when none is set: what one
// session's uploads may hold together.
const DefaultMaxUploadBytes = 512 << 20

// maxNameBytes is the longest file name, as most file systems allow.
const maxNameBytes = 255

// partialSuffix ends the name of a download Chromium is still writing.
const partialSuffix = ".crdownload"

// CheckFileName refuses a name that is not one plain file name: empty,
// "." or "..", with a slash, a backslash, NUL or another control
// character, not UTF-8, or longer than 255 bytes.
func CheckFileName(name string) error {
	bad := func(why string) error {
		return sessionql.Errorf(sessionql.CodeInvalidArgument, "The file name %q %s; give a plain file name such as report.pdf.", truncate(name), why)
	}
	switch {
	case name == "" || name == "." || name == "..":
		return bad("is not a file name")
	case len(name) > maxNameBytes:
		return bad("is longer than 255 bytes")
	case !utf8.ValidString(name):
		return bad("is not UTF-8")
	case strings.ContainsAny(name, `/\`):
		return bad("holds a path separator")
	case strings.HasSuffix(name, partialSuffix):
		return bad("ends in " + partialSuffix + ", which marks a download under way")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return bad("holds a control character")
		}
	}
	return nil
}

func truncate(name string) string {
	if len(name) > 64 {
		return name[:64] + "…"
	}
	return name
}

// Downloads lists what the session's browser downloaded, oldest first;
// downloads under way have Complete false. It works whether the session's
// browser runs or not.
func (s *Service) Downloads(id string) ([]File, error) {
	if err := s.localFiles(id); err != nil {
		return nil, err
	}
	return listFiles(s.downloadsDir(id), false)
}

// Uploads lists the files uploaded for the session, oldest first, with
// their paths on the server.
func (s *Service) Uploads(id string) ([]File, error) {
	if err := s.localFiles(id); err != nil {
		return nil, err
	}
	return listFiles(s.uploadsDir(id), true)
}

// OpenDownload opens one complete download for reading; the caller closes
// it.
func (s *Service) OpenDownload(id, name string) (*os.File, File, error) {
	if err := s.localFiles(id); err != nil {
		return nil, File{}, err
	}
	if err := CheckFileName(name); err != nil {
		return nil, File{}, err
	}
	root, err := os.OpenRoot(s.downloadsDir(id))
	if err != nil {
		return nil, File{}, noFile(id, "download", name)
	}
	defer root.Close()
	if info, err := root.Stat(name); err == nil && leftOfCanceled(engine.CanceledDownloads(s.downloadsDir(id)), info) {
		return nil, File{}, noFile(id, "download", name)
	}
	if info, err := root.Stat(name + partialSuffix); err == nil && !leftOfCanceled(engine.CanceledDownloads(s.downloadsDir(id)), info) {
		return nil, File{}, sessionql.Errorf(sessionql.CodeFileNotFound, "The download %q of session %s is still under way; it can be read once it is complete.", truncate(name), id)
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, File{}, noFile(id, "download", name)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, File{}, noFile(id, "download", name)
	}
	return f, describe(s.downloadsDir(id), info, false), nil
}

// DeleteDownload removes one download, complete or not.
func (s *Service) DeleteDownload(id, name string) error {
	return s.deleteFile(id, s.downloadsDir(id), "download", name)
}

// DeleteUpload removes one uploaded file.
func (s *Service) DeleteUpload(id, name string) error {
	return s.deleteFile(id, s.uploadsDir(id), "upload", name)
}

func (s *Service) deleteFile(id, dir, what, name string) error {
	if err := s.localFiles(id); err != nil {
		return err
	}
	if err := CheckFileName(name); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return noFile(id, what, name)
	}
	defer root.Close()
	err = root.Remove(name)
	if errors.Is(err, fs.ErrNotExist) && what == "download" {
		err = root.Remove(name + partialSuffix)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return noFile(id, what, name)
	}
	return err
}

// SaveUpload stores r as the session's upload name, replacing a file of
// that name. The session's uploads together may hold MaxUploadBytes; a
// file that would pass that is not kept and the error has the code
// payload_too_large.
func (s *Service) SaveUpload(id, name string, r io.Reader) (File, error) {
	if err := s.localFiles(id); err != nil {
		return File{}, err
	}
	if err := CheckFileName(name); err != nil {
		return File{}, err
	}
	dir := s.uploadsDir(id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return File{}, err
	}
	used, err := dirBytes(dir, name)
	if err != nil {
		return File{}, err
	}
	room := s.cfg.MaxUploadBytes - used
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return File{}, err
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, io.LimitReader(r, room+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return File{}, err
	}
	if n > room {
		return File{}, sessionql.Errorf(sessionql.CodePayloadTooLarge, "The uploads of session %s may hold %d bytes together (MAX_UPLOAD_BYTES); %s does not fit.", id, s.cfg.MaxUploadBytes, truncate(name))
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // the browser user reads it
		return File{}, err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return File{}, err
	}
	info, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		return File{}, err
	}
	return describe(dir, info, true), nil
}

// dirBytes is what the regular files of dir hold, but for the one named
// skip, which a save replaces.
func dirBytes(dir, skip string) (int64, error) {
	entries, err := os.ReadDir(dir)
	var n int64
	for _, e := range entries {
		if info, ierr := e.Info(); ierr == nil && info.Mode().IsRegular() && e.Name() != skip {
			n += info.Size()
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	return n, err
}

// listFiles describes the regular files of dir, oldest first; a folder that
// is not there yet has none. Files whose names start with a dot are the
// server's own temporary files.
func listFiles(dir string, withPath bool) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []File{}, nil
	}
	if err != nil {
		return nil, err
	}
	partial := map[string]bool{}
	for _, e := range entries {
		partial[e.Name()] = strings.HasSuffix(e.Name(), partialSuffix)
	}
	canceled := engine.CanceledDownloads(dir)
	out := []File{}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || strings.HasPrefix(e.Name(), ".") || partial[e.Name()+partialSuffix] {
			continue // Chromium's empty placeholder of a download under way is listed as the download
		}
		if leftOfCanceled(canceled, info) {
			continue
		}
		out = append(out, describe(dir, info, withPath))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// leftOfCanceled reports whether a file is what Chromium leaves of a
// download the engine cancelled for the cap, which it removes late: the
// partial file, or the empty placeholder.
func leftOfCanceled(canceled map[string]bool, info os.FileInfo) bool {
	if name, ok := strings.CutSuffix(info.Name(), partialSuffix); ok {
		return canceled[name]
	}
	return canceled[info.Name()] && info.Size() == 0
}

// describe is the File of one directory entry. A download under way is
// named for the file it will be.
func describe(dir string, info os.FileInfo, withPath bool) File {
	f := File{Name: info.Name(), Size: info.Size(), CreatedAt: info.ModTime().UTC(), Complete: true}
	if name, ok := strings.CutSuffix(f.Name, partialSuffix); ok {
		f.Name, f.Complete = name, false
	}
	f.MimeType = engine.FileType(dir, f.Name)
	if withPath {
		f.Path = filepath.Join(dir, info.Name())
	}
	return f
}

func noFile(id, what, name string) error {
	return sessionql.Errorf(sessionql.CodeFileNotFound, "Session %s has no %s named %q.", id, what, truncate(name))
}

// MaxUploadBytes is what one session's uploads may hold together.
func (s *Service) MaxUploadBytes() int64 { return s.cfg.MaxUploadBytes }

// localFiles finds a live session and makes sure its files are in the
// data dir: with a ProfileStore, a session hibernated by another server
// (or before a restart on an empty data dir) has them in its kept profile,
// which is fetched as a wake would.
func (s *Service) localFiles(id string) error {
	e, err := s.entry(id)
	if err != nil {
		return err
	}
	sess, _, err := e.snapshot()
	if err != nil || sess.Profile == "" || e.isUnpacked(sess.Profile) {
		return err
	}
	ctx, cancel := s.bounded(profileTimeout)
	defer cancel()
	if err := e.lockWake(ctx); err != nil {
		return err
	}
	defer e.unlockWake()
	return s.fetchProfile(ctx, e, sess)
}
