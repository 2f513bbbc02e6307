package api

import "sync"

// pilots say which viewer of each session steers it: of several viewers
// of one session, only one sends input at a time.
type pilots struct {
	mu sync.Mutex
	m  map[string]*viewer
}

// take makes v the session's pilot and tells the one before that it no
// longer steers.
func (p *pilots) take(id string, v *viewer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]*viewer{}
	}
	if old := p.m[id]; old != nil && old != v {
		old.notifySteering(false)
	}
	p.m[id] = v
	v.notifySteering(true)
}

// takeIfFree makes v the pilot only when nobody steers.
func (p *pilots) takeIfFree(id string, v *viewer) {
	p.mu.Lock()
	free := p.m[id] == nil
	p.mu.Unlock()
	if free {
		p.take(id, v)
	}
}

// is reports whether v steers its session.
func (p *pilots) is(id string, v *viewer) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m[id] == v
}

// leave drops v when it steered.
func (p *pilots) leave(id string, v *viewer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m[id] == v {
		delete(p.m, id)
	}
}
