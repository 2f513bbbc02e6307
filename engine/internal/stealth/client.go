package stealth

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// Client is the engine's own DevTools client that gives every target
// of a browser its identity: pages, frames in other processes, and
// dedicated, shared and service workers, whoever opened them (the engine or
// a CDP client). It auto-attaches with targets paused on start, sets the
// overrides on its own session of each target and resumes it. Overrides
// last as long as the session that set them, so the client stays attached
// for the browser's life; it never enables a domain, so pages cannot see it.
type Client struct {
	client *cdpmux.Client
	id     Identity
	nextID atomic.Int64

	mu       sync.Mutex
	waiting  map[int64]chan cdpmux.Message // replies that a caller waits for
	starting bool                          // the targets open at launch are being configured
	setups   []setupReply                  // their overrides, checked before the launch returns
}

// setupReply is where the reply to one override of a target open at launch goes.
type setupReply struct {
	method string
	reply  chan cdpmux.Message
}

// autoAttach pauses every new target until the client has configured it. A
// page that several clients paused, such as this one and Puppeteer, starts
// once each of them has resumed it.
var autoAttach = map[string]bool{"autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true}

// Connect opens the identity client of a browser on m. The caller runs its
// loop (Run) and then configures the targets already open (Start), before
// any other client connects.
func Connect(ctx context.Context, m *cdpmux.Mux, id Identity) (*Client, error) {
	c, err := m.Connect(ctx, nil, cdpmux.AsEngine)
	if err != nil {
		return nil, err
	}
	return &Client{client: c, id: id, waiting: map[int64]chan cdpmux.Message{}, starting: true}, nil
}

// Start turns auto-attach on and waits until the targets it attached at
// once are configured; Chromium reports those before it answers.
func (s *Client) Start(ctx context.Context) error {
	err := s.call(ctx, "", "Target.setAutoAttach", autoAttach)
	s.mu.Lock()
	setups := s.setups
	s.starting, s.setups = false, nil
	s.mu.Unlock()
	for _, r := range setups {
		if err != nil {
			break
		}
		err = awaitReply(ctx, r.method, r.reply, s.client.Done())
	}
	return err
}

// Run handles the browser's messages until the browser ends.
func (s *Client) Run() {
	for {
		select {
		case env := <-s.client.Messages():
			s.handle(env)
		case <-s.client.Done():
			return
		}
	}
}

func (s *Client) handle(env cdpmux.Message) {
	if env.ID != 0 {
		s.mu.Lock()
		reply := s.waiting[env.ID]
		delete(s.waiting, env.ID)
		s.mu.Unlock()
		if reply != nil {
			reply <- env
		} else if env.Error != nil {
			slog.Debug("identity override refused", "error", string(env.Error))
		}
		return
	}
	if env.Method == "Target.attachedToTarget" {
		var ev struct {
			SessionID  string `json:"sessionId"`
			TargetInfo struct {
				Type string `json:"type"`
			} `json:"targetInfo"`
		}
		if json.Unmarshal(env.Params, &ev) == nil {
			s.configure(ev.SessionID, ev.TargetInfo.Type)
		}
	}
}

// configure sends a new target its overrides and resumes it, all at once:
// a paused service worker answers nothing until it is resumed, and Chromium
// runs a session's commands in order, so the overrides still come first.
func (s *Client) configure(session, kind string) {
	for _, cmd := range s.overrides(kind) {
		s.post(session, cmd, s.startupReply(cmd))
	}
	s.post(session, override{method: "Target.setAutoAttach", params: autoAttach}, nil)
	s.post(session, override{method: "Runtime.runIfWaitingForDebugger"}, nil)
}

// startupReply registers a check of a required override of a target that
// was open at launch, so that a launch whose first tab lacks its identity
// fails instead of giving the browser away.
func (s *Client) startupReply(cmd override) chan cdpmux.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.starting || cmd.optional {
		return nil
	}
	r := make(chan cdpmux.Message, 1)
	s.setups = append(s.setups, setupReply{cmd.method, r})
	return r
}

// override is one protocol command for a target's session.
type override struct {
	method   string
	params   any
	optional bool // may be refused, e.g. a second locale override in one process
}

// overrides are the commands that give a target of this kind its identity.
// A dedicated worker inherits its page's user agent string but not its
// Accept-Language, and only the network override works in workers. The
// locale override is per renderer process; workers that share their page's
// process refuse a second one, workers in a process of their own need it.
func (s *Client) overrides(kind string) []override {
	var cmds []override
	switch kind {
	case "page", "iframe":
		if s.id.UA != nil {
			cmds = append(cmds, override{method: "Emulation.setUserAgentOverride", params: s.id.UA})
		}
		if s.id.Timezone != "" {
			cmds = append(cmds, override{method: "Emulation.setTimezoneOverride", params: map[string]string{"timezoneId": s.id.Timezone}})
		}
		if s.id.Locale != "" {
			cmds = append(cmds, override{method: "Emulation.setLocaleOverride", params: map[string]string{"locale": s.id.Locale}, optional: kind == "iframe"})
		}
	case "worker", "shared_worker", "service_worker":
		if s.id.UA != nil {
			cmds = append(cmds, override{method: "Network.setUserAgentOverride", params: s.id.UA})
		}
		if s.id.Locale != "" && kind != "worker" {
			cmds = append(cmds, override{method: "Emulation.setLocaleOverride", params: map[string]string{"locale": s.id.Locale}, optional: true})
		}
	}
	return cmds
}

// post sends a command without waiting; its reply goes to reply, or is
// dropped when reply is nil.
func (s *Client) post(session string, cmd override, reply chan cdpmux.Message) {
	env := cdpmux.Message{ID: s.nextID.Add(1), SessionID: session, Method: cmd.method}
	if cmd.params != nil {
		env.Params, _ = json.Marshal(cmd.params)
	}
	if reply != nil {
		s.mu.Lock()
		s.waiting[env.ID] = reply
		s.mu.Unlock()
	}
	if err := s.client.Send(env); err != nil && reply != nil {
		s.mu.Lock()
		delete(s.waiting, env.ID)
		s.mu.Unlock()
		reply <- cdpmux.Message{Error: json.RawMessage(strconv.Quote(err.Error()))}
	}
}

// call sends a command and waits for its reply.
func (s *Client) call(ctx context.Context, session, method string, params any) error {
	reply := make(chan cdpmux.Message, 1)
	s.post(session, override{method: method, params: params}, reply)
	return awaitReply(ctx, method, reply, s.client.Done())
}

func awaitReply(ctx context.Context, method string, reply chan cdpmux.Message, gone <-chan struct{}) error {
	select {
	case r := <-reply:
		if r.Error != nil {
			return fmt.Errorf("%s: %s", method, r.Error)
		}
		return nil
	case <-gone:
		return fmt.Errorf("%s: %w", method, cdpmux.ErrClientClosed)
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}
