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

	viewer := dialLive(b, live.URL)
	frames := readFrames(viewer)
	settle(frames, 500*time.Millisecond)
	b.ResetTimer()
	var total time.Duration
	for range b.N {
		start := time.Now()
		viewer.WriteJSON(map[string]any{"type": "mouse", "mouse": map[string]any{"type": "mousePressed", "x": 400, "y": 400, "button": "left", "clickCount": 1}})
		viewer.WriteJSON(map[string]any{"type": "mouse", "mouse": map[string]any{"type": "mouseReleased", "x": 400, "y": 400, "button": "left", "clickCount": 1}})
		select {
		case at := <-frames:
			total += at.Sub(start)
		case <-time.After(5 * time.Second):
			b.Fatal("no frame after a click")
		}
		settle(frames, 150*time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/input→frame")

	bql(b, s.BrowserQL, `mutation { evaluate(content: "location.hash = 'spin'") { value } }`, nil)
	settle(frames, 300*time.Millisecond)
	fps, cpu := watchFor(frames, 3*time.Second)
	b.ReportMetric(fps, "fps")
	b.ReportMetric(cpu*100, "cpu%/1viewer")
	for range 3 {
		readFrames(dialLive(b, live.URL))
	}
	settle(frames, 500*time.Millisecond)
	_, cpu4 := watchFor(frames, 3*time.Second)
	b.ReportMetric(cpu4*100/4, "cpu%/viewer(4)")
}

// readFrames reads a viewer's stream until it closes, acknowledging each
// frame and passing on when it arrived.
func readFrames(ws *websocket.Conn) <-chan time.Time {
	out := make(chan time.Time, 4096)
	go func() {
		defer close(out)
		for {
			var m liveMessage
			if ws.ReadJSON(&m) != nil {
				return
			}
			if m.Type == "frame" {
				ws.WriteJSON(map[string]any{"type": "ack", "seq": m.Seq})
				select {
				case out <- time.Now():
				default:
				}
			}
		}
	}()
	return out
}

// settle waits d and forgets the frames that came meanwhile.
func settle(frames <-chan time.Time, d time.Duration) {
	time.Sleep(d)
	for len(frames) > 0 {
		<-frames
	}
}

// watchFor counts frames for d and returns frames per second and the
// process's CPU share meanwhile.
func watchFor(frames <-chan time.Time, d time.Duration) (fps, cpu float64) {
	before, start := cpuTime(), time.Now()
	time.Sleep(d)
	wall := time.Since(start)
	return float64(len(frames)) / wall.Seconds(), (cpuTime() - before).Seconds() / wall.Seconds()
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
