package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// downloadBehavior keeps the behavior a user asks for but always sends
// downloads to the session's folder: default would use the browser's own
// folder, so it becomes allow.
func (p *userPolicy) downloadBehavior(env cdpmux.Message) (json.RawMessage, error) {
	v, err := params(env)
	if err != nil {
		return nil, err
	}
	if b, _ := v["behavior"].(string); b == "default" || b == "" {
		v["behavior"] = "allow"
	}
	v["downloadPath"] = p.downloads
	return json.Marshal(v)
}

// fileInputFiles resolves the files of DOM.setFileInputFiles in the
// session's uploads folder.
func (p *userPolicy) fileInputFiles(env cdpmux.Message) (json.RawMessage, error) {
	v, err := params(env)
	if err != nil {
		return nil, err
	}
	if v["files"], err = p.uploadFiles(v["files"]); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// dragEvent resolves the files a drag carries, as fileInputFiles does.
func (p *userPolicy) dragEvent(env cdpmux.Message) (json.RawMessage, error) {
	v, err := params(env)
	if err != nil {
		return nil, err
	}
	data, _ := v["data"].(map[string]any)
	if data == nil || data["files"] == nil {
		return env.Params, nil
	}
	if data["files"], err = p.uploadFiles(data["files"]); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// uploadFiles resolves a list of file names in the uploads folder.
func (p *userPolicy) uploadFiles(list any) ([]string, error) {
	names, ok := list.([]any)
	if !ok {
		return nil, errors.New("files must be a list of file names")
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		name, _ := n.(string)
		path, err := p.uploadPath(name)
		if err != nil {
			return nil, err
		}
		out = append(out, path)
	}
	return out, nil
}

// uploadPath is the real path of a file in the uploads folder. Relative
// names resolve there; a name that leads out of it, by "..", an absolute
// path or a symbolic link, is refused.
func (p *userPolicy) uploadPath(name string) (string, error) {
	if p.uploads == "" {
		return "", errors.New("this browser has no uploads folder")
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(p.uploads, path)
	}
	root, err := filepath.EvalSymlinks(p.uploads)
	if err != nil {
		return "", errors.New("the session's uploads folder is missing")
	}
	if !within(p.uploads, filepath.Clean(path)) {
		return "", fmt.Errorf("%q is outside the session's uploads folder", name)
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil || !within(root, real) {
		return "", fmt.Errorf("%q is not a file in the session's uploads folder", name)
	}
	if info, err := os.Stat(real); err != nil || !info.Mode().IsRegular() {
		return "", fmt.Errorf("%q is not a file in the session's uploads folder", name)
	}
	return real, nil
}

// within reports whether path is dir or below it; both are clean.
func within(dir, path string) bool {
	return path == dir || strings.HasPrefix(path, dir+string(filepath.Separator))
}
