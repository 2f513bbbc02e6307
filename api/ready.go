package api

import "net/http"

// ready answers 200 while the server can serve sessions (store reachable,
// browser binary there and the last launch fine, not shutting down), and
// 503 in the error shape saying which does not hold.
func (a *API) ready(w http.ResponseWriter, _ *http.Request) {
	if err := a.sessions.Ready(); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ready": true})
}
