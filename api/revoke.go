package api

import (
	"errors"
	"sync"
)

// errRotated ends CDP clients that connected with a credential that was
// rotated since: rotation is for a leaked credential, and a connection
// opened with it must not outlive it.
var errRotated = errors.New("the session's credential was rotated")

// clients are the CDP connections opened with a session credential, by
// session, with the generation of that credential.
type clients struct {
	mu sync.Mutex
	m  map[string]map[*cdpConn]int
}

// add tracks a connection until the returned func is called.
func (c *clients) add(id string, conn *cdpConn, gen int) (remove func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]map[*cdpConn]int{}
	}
	if c.m[id] == nil {
		c.m[id] = map[*cdpConn]int{}
	}
	c.m[id][conn] = gen
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.m[id], conn)
		if len(c.m[id]) == 0 {
			delete(c.m, id)
		}
	}
}

// endBefore ends the session's connections opened with a credential older
// than gen.
func (c *clients) endBefore(id string, gen int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for conn, g := range c.m[id] {
		if g < gen {
			conn.revoke(errRotated)
		}
	}
}
