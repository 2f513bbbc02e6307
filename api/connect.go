package api

import (
	"errors"
	"log/slog"
	"net/http"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"
	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/events"
	"github.com/sessionql/sessionql/sessions"
)

// newUpgrader accepts DevTools clients. Compression is off, as in
// Chromium's own endpoint; pages of other sites than the server's own and
// CORS_ORIGINS are refused, like Chromium without --remote-allow-origins.
func newUpgrader(originAllowed func(*http.Request) bool) websocket.Upgrader {
	return websocket.Upgrader{
		ReadBufferSize:  64 << 10,
		WriteBufferSize: 64 << 10,
		Error:           upgradeError,
		CheckOrigin:     originAllowed,
	}
}

// connect upgrades to the session's browser-level DevTools WebSocket. Every
// refusal (unknown session, no browser slot, a browser that cannot start) is
// answered before the upgrade, in JSON, so that no client waits on a socket
// that will never speak.
func (a *API) connect(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if _, _, err := a.sessions.Get(id); err != nil {
		writeError(w, err)
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		writeError(w, invalid("connect is a WebSocket endpoint for DevTools clients such as Puppeteer and Playwright; open it with a WebSocket upgrade."))
		return
	}
	client, err := a.sessions.Connect(r.Context(), id)
	if err != nil {
		writeError(w, err)
		return
	}
	defer client.Close()
	ws, err := a.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // upgradeError has answered
	}
	remote := map[string]string{"remote": r.RemoteAddr}
	a.sessions.Record(id, events.ClientConnected, remote)
	defer a.sessions.Record(id, events.ClientDisconnected, remote)
	a.relay(ws, client, id, credentialGen(r))
}

// relay serves one client until it or the session's browser goes; the
// session stays. A client let in with a session credential (gen >= 0) is
// ended when that credential is rotated.
func (a *API) relay(ws *websocket.Conn, client *sessions.Client, id string, gen int) {
	conn := newCDPConn(ws, func(err error) (int, string) { return a.closeReason(id, err) })
	if gen >= 0 {
		defer a.clients.add(id, conn, gen)()
		if sess, _, err := a.sessions.Get(id); err == nil && sess.TokenGen != gen {
			conn.revoke(errRotated) // rotated between the check and now
		}
	}
	slog.Info("client connected", "session", id, "remote", ws.RemoteAddr().String())
	stop := conn.keepAlive()
	client.Serve(conn)
	stop()
	ws.Close()
	slog.Info("client disconnected", "session", id, "remote", ws.RemoteAddr().String())
}

// closeReason is the close frame that tells a client why its connection
// ends. A session that is gone says so, whatever ended the client.
func (a *API) closeReason(id string, err error) (int, string) {
	if _, _, gone := a.sessions.Get(id); gone != nil {
		return websocket.CloseGoingAway, closeText(sessionql.ErrorMessage(gone))
	}
	switch {
	case errors.Is(err, errRotated):
		return websocket.ClosePolicyViolation, "The session's credential was rotated; connect again with the URL the rotation returned."
	case errors.Is(err, sessions.ErrClientClosed):
		return websocket.CloseNormalClosure, "Browser.close ends this connection only; the session and its browser stay until the session is stopped."
	case errors.Is(err, sessions.ErrSlowClient):
		return websocket.ClosePolicyViolation, "The client did not read its messages and was disconnected."
	case errors.Is(err, errBinaryFrame):
		return websocket.CloseUnsupportedData, "DevTools messages are JSON in text frames."
	case errors.Is(err, sessions.ErrClientGone):
		return websocket.CloseNormalClosure, ""
	}
	return websocket.CloseGoingAway, "The session's browser closed; connect again to continue from its profile."
}

// closeText fits a reason into the 123 bytes a close frame has for it.
func closeText(s string) string {
	const max = 123
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// upgradeError answers a failed upgrade in the SPEC's error shape.
func upgradeError(w http.ResponseWriter, _ *http.Request, status int, reason error) {
	msg := "The WebSocket upgrade was refused (" + reason.Error() + ")."
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": sessionql.CodeInvalidRequest, "message": msg}})
}
