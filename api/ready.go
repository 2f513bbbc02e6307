package api

import (
	"log/slog"
	"net/http"

	"github.com/sessionql/sessionql"
)

// ready answers 200 while the server can serve sessions (store reachable,
// browser binary there and the last launch fine, not shutting down), and
// 503 otherwise. Probes send no token, so the answer names only the code
// of what does not hold; the reason goes to the log, and to a caller with
// the server token.
func (a *API) ready(w http.ResponseWriter, r *http.Request) {
	err := a.sessions.Ready()
	if err == nil {
		writeJSON(w, http.StatusOK, map[string]bool{"ready": true})
		return
	}
	slog.Info("not ready", "err", err)
	if a.cfg.Token != "" && !a.isServerToken(givenToken(r)) {
		err = sessionql.Errorf(sessionql.ErrorCode(err), "The server is not ready; its log says why.")
	}
	writeError(w, err)
}
