package engine

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sessionql/sessionql/engine/internal/launcher"
)

// Before every launch the engine readies the session's profile:
//
//   - It deletes the last run's sessionStorage database. Chromium never
//     gives a new tab the sessionStorage of a past run (the engine restores
//     it from the saved state), but on the first use of sessionStorage it
//     opened the old database and cleared its namespaces: about 1.9 s of
//     every wake after the first, measured.
//   - It sets the startup preference to continue the last session.
//     Chromium deletes a profile's session cookies (those without an
//     expiry) from the live jar when the profile's last window closes,
//     unless that is the preference (Chromium's SessionDataDeleter); a CDP
//     client that closes every tab (window.close() and Page.close count
//     too) would otherwise take a session's login with it. With it,
//     Chromium writes session cookies to the profile as it does lasting
//     ones; the profile is the session's, and STATE_KEY never covered it.
//   - It deletes the record of the last run's tabs, which Chromium would
//     restore, with that preference, when the engine's first tab opens
//     (tabs never outlive their browser).
//
// Pages see the same either way. A headless browser stays up without
// windows; a headed one would quit, so headed sessions also keep the guard
// tab (see guard.go).

// The profile's preferences, and what the last run leaves that a new one
// must not get, relative to the profile.
const prefsFile = "Default/Preferences"

var lastRun = []string{"Default/Session Storage", "Default/Sessions"}

// continueLastSession is Chromium's session.restore_on_startup value for
// "continue where you left off".
const continueLastSession = "1"

// prepareProfile readies the profile for a launch, leaving every other
// preference as it was. The profile belongs to the browser user: it is
// reached through os.Root, so a link in it cannot lead the server's
// deletions or writes elsewhere.
func prepareProfile(profile string, run *launcher.User) error {
	root, err := os.OpenRoot(profile)
	if err != nil {
		return err
	}
	defer root.Close()
	for _, name := range lastRun {
		if err := root.RemoveAll(name); err != nil {
			return err
		}
	}
	if err := root.MkdirAll(filepath.Dir(prefsFile), 0o700); err != nil {
		return err
	}
	raw, err := root.ReadFile(prefsFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	next, changed := withContinueLastSession(raw)
	if !changed {
		return nil
	}
	if err := writeNew(root, prefsFile+".sessionql", next); err != nil {
		return err
	}
	if err := root.Rename(prefsFile+".sessionql", prefsFile); err != nil {
		return err
	}
	if run == nil {
		return nil
	}
	for _, name := range []string{filepath.Dir(prefsFile), prefsFile} {
		if err := root.Lchown(name, int(run.UID), int(run.GID)); err != nil {
			return err
		}
	}
	return nil
}

// withContinueLastSession returns the preferences with
// session.restore_on_startup set, every other key kept byte for byte, and
// whether that changed them. A file that is not a JSON object is replaced,
// as Chromium would replace it.
func withContinueLastSession(raw []byte) ([]byte, bool) {
	prefs := map[string]json.RawMessage{}
	session := map[string]json.RawMessage{}
	if json.Unmarshal(raw, &prefs) != nil || prefs == nil {
		prefs = map[string]json.RawMessage{}
	}
	if s, ok := prefs["session"]; ok && json.Unmarshal(s, &session) != nil || session == nil {
		session = map[string]json.RawMessage{}
	}
	if string(session["restore_on_startup"]) == continueLastSession {
		return raw, false
	}
	session["restore_on_startup"] = json.RawMessage(continueLastSession)
	prefs["session"], _ = json.Marshal(session)
	out, _ := json.Marshal(prefs)
	return out, true
}

// writeNew writes a file that did not exist before, so that a link left
// under its name cannot lead the write into another file.
func writeNew(root *os.Root, name string, data []byte) error {
	if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}
