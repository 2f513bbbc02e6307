package api

import (
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// BenchmarkLiveView measures the live view on localhost: frames per
// second of an animated page, the time from a click sent by the viewer to
// the first frame that shows it (one per iteration), and the server's CPU
// per viewer (process CPU time, the test's client included, over wall
// time) with one and with four viewers.
func BenchmarkLiveView(b *testing.B) {
	srv := newServer(b, func(_ *sessionsConfig, a *Config) { a.Token = "tok" })
	s := decodeAs[sessionJSON](b, do(b, "POST", srv.URL+"/session?token=tok", map[string]any{"stealth": true}))
	page := `<body style='margin:0;background:#fff'><div id=box style='width:200px;height:200px;background:#6366f1'></div><script>
		let on = false; addEventListener('mousedown', () => { on = !on; document.body.style.background = on ? '#111' : '#fff'; });
		const box = document.getElementById('box'); let t = 0;
		(function spin() { if (location.hash === '#spin') box.style.transform = 'rotate(' + (t += 3) + 'deg)'; requestAnimationFrame(spin); })();
		</script></body>`
	if _, res := bql(b, s.BrowserQL, `mutation($h: String!) { content(html: $h) { status } }`, map[string]any{"h": page}); len(res.Errors) > 0 {
		b.Fatal(res.Errors)
	}
	live := decodeAs[LiveURL](b, do(b, "POST", srv.URL+"/sessions/"+s.ID+"/live-url?token=tok", map[string]any{"quality": 80}))

	viewer := dialLiveB(b, live.URL)
	drain(viewer, 500*time.Millisecond)
	b.ResetTimer()
	var total time.Duration
	for range b.N {
		start := time.Now()
		viewer.WriteJSON(map[string]any{"type": "mouse", "mouse": map[string]any{"type": "mousePressed", "x": 400, "y": 400, "button": "left", "clickCount": 1}})
		viewer.WriteJSON(map[string]any{"type": "mouse", "mouse": map[string]any{"type": "mouseReleased", "x": 400, "y": 400, "button": "left", "clickCount": 1}})
		if !nextFrame(viewer, 5*time.Second) {
			b.Fatal("no frame after a click")
		}
		total += time.Since(start)
		drain(viewer, 150*time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/input→frame")

	bql(b, s.BrowserQL, `mutation { evaluate(content: "location.hash = 'spin'") { value } }`, nil)
	fps, cpu := watchFor(viewer, nil, 3*time.Second)
	b.ReportMetric(fps, "fps")
	b.ReportMetric(cpu*100, "cpu%/1viewer")
	more := []*websocket.Conn{dialLiveB(b, live.URL), dialLiveB(b, live.URL), dialLiveB(b, live.URL)}
	_, cpu4 := watchFor(viewer, more, 3*time.Second)
	b.ReportMetric(cpu4*100/4, "cpu%/viewer(4)")
}

func dialLiveB(b *testing.B, pageURL string) *websocket.Conn {
	b.Helper()
	ws := dialLive(&testing.T{}, pageURL)
	b.Cleanup(func() { ws.Close() })
	return ws
}

// nextFrame reads until a frame arrives, acknowledging it.
func nextFrame(ws *websocket.Conn, within time.Duration) bool {
	ws.SetReadDeadline(time.Now().Add(within))
	for {
		var m liveMessage
		if ws.ReadJSON(&m) != nil {
			return false
		}
		if m.Type == "frame" {
			ws.WriteJSON(map[string]any{"type": "ack", "seq": m.Seq})
			return true
		}
	}
}

// drain reads and acknowledges frames for d.
func drain(ws *websocket.Conn, d time.Duration) {
	end := time.Now().Add(d)
	for time.Now().Before(end) && nextFrame(ws, time.Until(end)) {
	}
}

// watchFor reads frames on main (and keeps others reading) for d, and
// returns main's frames per second and the process's CPU share.
func watchFor(main *websocket.Conn, others []*websocket.Conn, d time.Duration) (fps, cpu float64) {
	for _, o := range others {
		go drain(o, d+time.Second)
	}
	before, start := cpuTime(), time.Now()
	frames := 0
	for time.Since(start) < d && nextFrame(main, d-time.Since(start)) {
		frames++
	}
	wall := time.Since(start)
	return float64(frames) / wall.Seconds(), (cpuTime() - before).Seconds() / wall.Seconds()
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
