package api

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sessionql/sessionql/internal/testutil"
)

// cdpResources counts what a connection could leak in the server's process
// and the session's browser.
type cdpResources struct{ goroutines, fds, browserProcs int }

func cdpCount(profile string) cdpResources {
	fds, _ := os.ReadDir("/proc/self/fd")
	return cdpResources{runtime.NumGoroutine(), len(fds), len(testutil.Processes("--user-data-dir=" + profile))}
}

// cdpSettled waits until the counts stop falling and returns them.
func cdpSettled(profile string) cdpResources {
	http.DefaultClient.CloseIdleConnections()
	last := cdpCount(profile)
	for stable := 0; stable < 10; stable++ {
		time.Sleep(50 * time.Millisecond)
		if now := cdpCount(profile); now != last {
			last, stable = now, 0
		}
	}
	return last
}

// cdpNoLeaks fails the test unless the counts come back to base; timing
// only bounds the wait.
func cdpNoLeaks(t *testing.T, profile string, base cdpResources) {
	t.Helper()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(15 * time.Second)
	now := cdpCount(profile)
	for (now.goroutines > base.goroutines || now.fds > base.fds || now.browserProcs > base.browserProcs) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		now = cdpCount(profile)
	}
	if now.goroutines > base.goroutines || now.fds > base.fds || now.browserProcs > base.browserProcs {
		var stacks bytes.Buffer
		pprof.Lookup("goroutine").WriteTo(&stacks, 1)
		t.Errorf("after the clients left: %+v, before: %+v\n%s", now, base, stacks.String())
	}
}

// TestConnectSurvivesBadClients sends garbage and binary frames, never
// reads, and vanishes mid-command; the session keeps serving and nothing
// is left behind in the server or the browser.
func TestConnectSurvivesBadClients(t *testing.T) {
	logs := captureLogs(t)
	srv := newServer(t)
	s := srv.create(t, map[string]any{})
	profile := srv.dataDir + "/profiles/" + s.ID
	warm := cdpDial(t, s.Connect, nil)
	warm.call("", "Browser.getVersion", nil)
	warm.ws.Close()
	base := cdpSettled(profile)

	cdpGarbage(t, s.Connect)
	cdpBinary(t, s.Connect)
	cdpNeverReads(t, s.Connect, logs)
	cdpVanishes(t, s.Connect)
	cdpBurst(t, s.Connect)

	cdpNoLeaks(t, profile, base)
	if got := decodeAs[sessionJSON](t, do(t, "GET", srv.URL+"/sessions/"+s.ID, nil)); got.Status != "live" {
		t.Errorf("the session is %q after the bad clients, want live", got.Status)
	}
	cdpDial(t, s.Connect, nil).call("", "Browser.getVersion", nil)
}

// cdpGarbage sends frames that are not DevTools commands; each gets
// Chromium's error and the connection keeps working.
func cdpGarbage(t *testing.T, url string) {
	c := cdpDial(t, url, nil)
	for _, frame := range []string{"garbage", "[1,2]", `{"method":"Browser.getVersion"}`, `{"id":"x"}`, "", strings.Repeat("{", 1<<16)} {
		c.ws.WriteMessage(websocket.TextMessage, []byte(frame))
		if m := c.until(func(cdpMessage) bool { return true }); m.Error == nil || m.ID != 0 {
			t.Errorf("%.20q: got %+v, want an error without id", frame, m)
		}
	}
	c.call("", "Browser.getVersion", nil)
	c.ws.Close()
}

// cdpBinary sends a binary frame, which Chromium does not accept either.
func cdpBinary(t *testing.T, url string) {
	c := cdpDial(t, url, nil)
	c.ws.WriteMessage(websocket.BinaryMessage, []byte(`{"id":1,"method":"Browser.getVersion"}`))
	if ce := c.closed(); ce.Code != websocket.CloseUnsupportedData {
		t.Errorf("binary frame: close %d %q, want 1003", ce.Code, ce.Text)
	}
	c.ws.Close()
}

// disconnected reports whether the server's log says it let go of the
// client at remote: the line comes once both of the client's relay
// goroutines have ended. (Counting relay goroutines would also count other
// tests' clients that are still winding down.)
func disconnected(logs *testutil.LogBuffer, remote string) bool {
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `msg="client disconnected"`) && strings.Contains(line, "remote="+remote) {
			return true
		}
	}
	return false
}

// cdpNeverReads sends commands and does not read the replies until the
// server has given up on it, which shows in the server's goroutines.
func cdpNeverReads(t *testing.T, url string, logs *testutil.LogBuffer) {
	dialer := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			conn.(*net.TCPConn).SetReadBuffer(64 << 10) // no autotuning: the kernel buffers little
		}
		return conn, err
	}}
	ws, _, err := dialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &cdpClient{t: t, ws: ws}
	frame := []byte(`{"id":1,"method":"Browser.getVersion"}`)
	for i := 0; i < 50000; i++ {
		if c.ws.WriteMessage(websocket.TextMessage, frame) != nil {
			break
		}
	}
	remote := ws.LocalAddr().String()
	waitUntil(t, "the server drops the client", func() bool { return disconnected(logs, remote) })
	c.ws.SetReadDeadline(time.Now().Add(time.Minute))
	for {
		_, _, err := c.ws.ReadMessage()
		var timeout net.Error
		switch ce, isClose := err.(*websocket.CloseError); {
		case err == nil:
			continue
		case errors.As(err, &timeout) && timeout.Timeout():
			t.Error("the server kept a client that did not read its messages")
		case isClose && ce.Code != websocket.ClosePolicyViolation && ce.Code != websocket.CloseAbnormalClosure:
			t.Errorf("a client that did not read: close %d %q, want 1008, or none when its buffers were full", ce.Code, ce.Text)
		}
		break
	}
	c.ws.Close()
}

// cdpVanishes drops the TCP connection while a command runs in a tab.
func cdpVanishes(t *testing.T, url string) {
	c := cdpDial(t, url, nil)
	before := strings.Join(c.pages(), " ")
	tab := c.open("about:blank")
	c.ws.WriteJSON(map[string]any{"id": 99, "sessionId": tab, "method": "Runtime.evaluate", "params": map[string]any{"expression": "new Promise(() => {})", "awaitPromise": true}})
	c.ws.NetConn().Close()
	closer := cdpDial(t, url, nil)
	for _, id := range closer.pages() {
		if !strings.Contains(before, id) {
			closer.call("", "Target.closeTarget", map[string]any{"targetId": id})
		}
	}
	closer.ws.Close()
}

// cdpBurst connects 20 clients at once; each sends a command, and half of
// them drop their TCP connection instead of closing it.
func cdpBurst(t *testing.T, url string) {
	errs := make(chan error, 20)
	for i := range 20 {
		go func() {
			ws, _, err := websocket.DefaultDialer.Dial(url, nil)
			if err != nil {
				errs <- err
				return
			}
			defer ws.Close()
			ws.WriteJSON(map[string]any{"id": 1, "method": "Browser.getVersion"})
			if i%2 == 0 {
				ws.NetConn().Close()
				errs <- nil
				return
			}
			var reply cdpMessage
			errs <- ws.ReadJSON(&reply)
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Errorf("a client of the burst failed: %v", err)
		}
	}
}
