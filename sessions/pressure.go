package sessions

import (
	"sync"
	"time"
)

// recentWindow is how far back /pressure counts rejections as recent.
const recentWindow = time.Minute

// Pressure is the load of the server, as /pressure reports it.
type Pressure struct {
	LiveBrowsers       int  `json:"liveBrowsers"`
	BusyBrowsers       int  `json:"busyBrowsers"`   // live with a running request or a CDP client
	WedgedBrowsers     int  `json:"wedgedBrowsers"` // live but known not to answer: about to be killed
	HibernatedSessions int  `json:"hibernatedSessions"`
	Sessions           int  `json:"sessions"`
	Queued             int  `json:"queued"`
	MaxBrowsers        int  `json:"maxBrowsers"`
	MaxSessions        int  `json:"maxSessions"`
	MaxQueue           int  `json:"maxQueue"`
	Rejected           int  `json:"rejected"`         // since the server started
	RecentRejections   int  `json:"recentRejections"` // in the last minute
	Wedged             int  `json:"wedged"`           // browsers killed for not answering, since the server started
	Relaunched         int  `json:"relaunched"`       // browsers started again after one was killed or crashed
	IsAvailable        bool `json:"isAvailable"`
	// Cluster is the whole cluster in cluster mode; the figures above are
	// this node's.
	Cluster *ClusterPressure `json:"cluster,omitempty"`
}

// Pressure reports live browsers, sessions, the queue and the limits.
// isAvailable is true while a new session can be created and a request for
// a hibernated session gets a browser without being refused: a slot is
// free, an idle browser that answers can be hibernated for it, or the
// queue has room and some live browser answers. Wedged browsers do not
// count as room: while they hold every slot, isAvailable is false.
func (s *Service) Pressure() Pressure {
	entries := s.all()
	now := time.Now()
	live, idle, wedged := 0, 0, 0
	for _, e := range entries {
		e.mu.Lock()
		switch {
		case e.wedgedNow(now):
			live++
			wedged++
		case e.browser != nil:
			live++
			if e.users == 0 {
				idle++
			}
		}
		e.mu.Unlock()
	}
	used, waiting := s.slots.load()
	total, recent := s.slots.rejections.counts(now)
	room := used < s.cfg.MaxBrowsers || idle > 0 || waiting < s.cfg.Queue && wedged < used
	return Pressure{
		LiveBrowsers: used, BusyBrowsers: live - idle - wedged, WedgedBrowsers: wedged, HibernatedSessions: len(entries) - live, Sessions: len(entries),
		Queued: waiting, MaxBrowsers: s.cfg.MaxBrowsers, MaxSessions: s.cfg.MaxSessions, MaxQueue: s.cfg.Queue,
		Rejected: total, RecentRejections: recent,
		Wedged: int(s.metrics.wedged.Load()), Relaunched: int(s.metrics.relaunched.Load()),
		IsAvailable: len(entries) < s.cfg.MaxSessions && room,
		Cluster:     s.clusterPressure(),
	}
}

// rejections counts 429 answers, in total and per second over the last
// minute.
type rejections struct {
	mu      sync.Mutex
	total   int
	seconds [60]struct {
		at int64 // the Unix second this bucket counts
		n  int
	}
}

func (r *rejections) add() {
	now := time.Now().Unix()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.total++
	b := &r.seconds[now%int64(len(r.seconds))]
	if b.at != now {
		b.at, b.n = now, 0
	}
	b.n++
}

func (r *rejections) counts(now time.Time) (total, recent int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	since := now.Add(-recentWindow).Unix()
	for _, b := range r.seconds {
		if b.at > since {
			recent += b.n
		}
	}
	return r.total, recent
}
