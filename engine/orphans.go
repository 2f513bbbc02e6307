package engine

import "github.com/sessionql/sessionql/engine/internal/launcher"

// ReapOrphans ends the browsers that a previous server left running on
// profiles, the folder of every session's profile (e.g. after it was killed
// with SIGKILL), and waits until they are gone, so that no profile is still
// locked when a session wakes. The launcher that starts browsers is the one
// that finds them.
func ReapOrphans(profiles string) { launcher.ReapOrphans(profiles) }
