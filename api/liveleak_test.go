package api

import (
	"net/http"
	"testing"
	"time"
)

// TestLiveViewLeavesNothing has viewers that close, one that never reads,
// and one whose session is stopped mid-view: each is told why it ended,
// and no goroutine, file descriptor or Chromium process is left.
func TestLiveViewLeavesNothing(t *testing.T) {
	srv, s := liveServer(t)
	profile := srv.dataDir + "/profiles/" + s.ID
	live := mintLive(t, srv, s.ID, nil)
	base := cdpSettled(profile)

	for range 3 {
		ws := dialLive(t, live.URL)
		frames := 0
		ws.SetReadDeadline(time.Now().Add(30 * time.Second))
		for frames < 3 {
			var m liveMessage
			if err := ws.ReadJSON(&m); err != nil {
				t.Fatal(err)
			}
			if m.Type == "frame" {
				frames++
				ws.WriteJSON(map[string]any{"type": "ack", "seq": m.Seq})
			}
		}
		ws.Close()
	}
	idle := dialLive(t, live.URL) // never reads nor acknowledges
	time.Sleep(2 * time.Second)
	idle.Close()
	cdpNoLeaks(t, profile, base)

	viewer := dialLive(t, live.URL)
	var hello liveMessage
	if err := viewer.ReadJSON(&hello); err != nil || hello.Type != "hello" {
		t.Fatalf("hello: %+v %v", hello, err)
	}
	if r := do(t, "DELETE", srv.URL+"/sessions/"+s.ID+"?token=tok", nil); r.Status != http.StatusNoContent {
		t.Fatalf("stop: %d", r.Status)
	}
	if reason := readUntilEnded(t, viewer); reason != "ended" {
		t.Errorf("a view of a stopped session ended with %q, want ended", reason)
	}
	viewer.Close()
	cdpNoLeaks(t, profile, cdpResources{goroutines: base.goroutines, fds: base.fds})
}
