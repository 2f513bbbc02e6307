package stealth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// The runtime shim keeps the Runtime domain off in the pages and iframes a
// user's client drives on a stealth session. Stock Puppeteer and Playwright
// enable it in every target they attach to; with it on, V8 serialises the
// arguments of every console call for the client, which pages detect (for
// instance by logging an Error whose stack getter counts its reads). The
// shim answers Runtime.enable itself and tells the client what it needs of
// the domain: Runtime.executionContextCreated for the main world of every
// frame and for the isolated worlds the client names, and
// Runtime.executionContextDestroyed when a frame navigates or goes away.
//
// It learns a frame's contexts without the domain: Page.createIsolatedWorld
// returns the context of a named world (an existing one if the frame has
// it), and the main world's context is the one in which DOM.resolveNode,
// without a context, resolves the frame's document, found from the document
// seen in a private isolated world.
//
// Bindings (Runtime.addBinding) are one more thing the real domain does:
// V8 installs a session's bindings in each new context only while the
// session has Runtime enabled, so without the shim's help Puppeteer's and
// Playwright's exposed functions vanish at the first navigation. The shim
// keeps the bindings the client added to every context and installs them,
// by context id, in each new context it reports, before the client hears
// of it.
//
// Console and exception events (Runtime.consoleAPICalled,
// Runtime.exceptionThrown) never reach such clients. Workers keep the real
// domain: the detectors look at the page.
type runtimeShim struct {
	c     *cdpmux.Client
	world string // the shim's own isolated world, unknown to the page

	mu       sync.Mutex
	types    map[string]string // session id or target id → target type
	sessions map[string]*shimSession
	pending  map[shimKey]shimCommand // client commands whose replies the shim reads
}

// shimKey names a client's command: ids are per session.
type shimKey struct {
	session string
	id      int64
}

type shimCommand struct {
	method string
	params json.RawMessage
}

// shimSession is what the shim knows of one page or iframe session.
type shimSession struct {
	enabled  bool                  // the client sent Runtime.enable
	paused   bool                  // attached waiting for the debugger, not yet resumed by the client
	worlds   []string              // isolated world names the client uses
	bindings []shimBinding         // Runtime.addBinding without a context id, in order
	frames   map[string]*shimFrame // by frame id
	run      sync.Mutex            // one discovery at a time
}

// shimBinding is a binding the client added for every context, or for the
// contexts of one world name.
type shimBinding struct {
	name  string
	world string // executionContextName; "" for every context
}

// shimFrame is a frame's document as the client was told of it.
type shimFrame struct {
	origin   string
	gen      int              // bumped by every new document
	contexts map[string]int64 // world name ("" for the main world) → context id reported
}

// shimTimeout bounds one discovery of a session's contexts; a target waiting
// for the debugger answers once the client lets it run.
const shimTimeout = 30 * time.Second

// InstallRuntimeShim gives a user's client the shim as its hook.
func InstallRuntimeShim(c *cdpmux.Client) { c.SetHook(newRuntimeShim(c)) }

func newRuntimeShim(c *cdpmux.Client) *runtimeShim {
	var b [8]byte
	rand.Read(b[:])
	return &runtimeShim{c: c, world: "w" + hex.EncodeToString(b[:]), types: map[string]string{},
		sessions: map[string]*shimSession{}, pending: map[shimKey]shimCommand{}}
}

// session returns the state of a shimmed session, nil for other sessions.
// It is called with mu held.
func (s *runtimeShim) session(id string) *shimSession {
	switch s.types[id] {
	case "page", "iframe":
	default:
		return nil
	}
	ss := s.sessions[id]
	if ss == nil {
		ss = &shimSession{frames: map[string]*shimFrame{}}
		s.sessions[id] = ss
	}
	return ss
}

func (ss *shimSession) frame(id string) *shimFrame {
	f := ss.frames[id]
	if f == nil {
		f = &shimFrame{contexts: map[string]int64{}}
		ss.frames[id] = f
	}
	return f
}

// trackBinding follows the client's Runtime.addBinding and
// Runtime.removeBinding; a binding for one context id needs no help.
func (ss *shimSession) trackBinding(method string, params json.RawMessage) {
	var p struct {
		Name                 string
		ExecutionContextID   int64
		ExecutionContextName string
	}
	if json.Unmarshal(params, &p) != nil || p.Name == "" || p.ExecutionContextID != 0 {
		return
	}
	kept := ss.bindings[:0]
	for _, b := range ss.bindings {
		if b.name != p.Name || (method == "Runtime.addBinding" && b.world != p.ExecutionContextName) {
			kept = append(kept, b)
		}
	}
	ss.bindings = kept
	if method == "Runtime.addBinding" {
		ss.bindings = append(ss.bindings, shimBinding{p.Name, p.ExecutionContextName})
	}
}

// bindingsFor lists the names of the bindings a context of a world gets.
// It is called with mu held.
func (ss *shimSession) bindingsFor(world string) []string {
	var out []string
	for _, b := range ss.bindings {
		if b.world == "" || b.world == world {
			out = append(out, b.name)
		}
	}
	return out
}

func (ss *shimSession) addWorld(name string) {
	if name == "" {
		return
	}
	for _, w := range ss.worlds {
		if w == name {
			return
		}
	}
	ss.worlds = append(ss.worlds, name)
}

// command sees a client's command before it is sent and reports whether it
// answered it itself.
func (s *runtimeShim) Command(env cdpmux.Message) bool {
	switch env.Method {
	case "Runtime.enable", "Runtime.disable", "Page.createIsolatedWorld", "Page.addScriptToEvaluateOnNewDocument",
		"Runtime.runIfWaitingForDebugger", "Target.attachToTarget", "Runtime.addBinding", "Runtime.removeBinding":
	default:
		return false
	}
	s.mu.Lock()
	if env.Method == "Target.attachToTarget" {
		s.pending[shimKey{env.SessionID, env.ID}] = shimCommand{env.Method, env.Params}
		s.mu.Unlock()
		return false
	}
	ss := s.session(env.SessionID)
	if ss == nil {
		s.mu.Unlock()
		return false
	}
	switch env.Method {
	case "Runtime.enable":
		ss.enabled = true
	case "Runtime.disable":
		ss.enabled = false
		ss.bindings = nil // as V8 forgets them on Runtime.disable
		for _, f := range ss.frames {
			f.contexts = map[string]int64{}
		}
	case "Runtime.addBinding", "Runtime.removeBinding":
		ss.trackBinding(env.Method, env.Params)
		s.mu.Unlock()
		return false
	case "Page.addScriptToEvaluateOnNewDocument":
		var p struct{ WorldName string }
		json.Unmarshal(env.Params, &p)
		ss.addWorld(p.WorldName)
		s.mu.Unlock()
		return false
	default:
		s.pending[shimKey{env.SessionID, env.ID}] = shimCommand{env.Method, env.Params}
		s.mu.Unlock()
		return false
	}
	paused := ss.paused
	s.mu.Unlock()
	answer := cdpmux.Message{ID: env.ID, SessionID: env.SessionID, Result: json.RawMessage(`{}`)}
	if env.Method != "Runtime.enable" || paused {
		// a paused target's contexts are looked up once the client
		// resumes it, before it hears that it did
		s.c.Push(answer)
		return true
	}
	// Chromium reports the contexts that exist before it answers
	// Runtime.enable, and clients rely on it: Playwright's exposeFunction
	// evaluates in the contexts it knows of at once, without waiting.
	go func() {
		s.discover(env.SessionID, nil)
		s.c.Push(answer)
	}()
	return true
}

// inbound sees a message for the client and returns what to deliver in its
// place: the message, preceded by the events the shim adds.
func (s *runtimeShim) Inbound(env cdpmux.Message) []cdpmux.Message {
	if env.ID != 0 {
		return s.reply(env)
	}
	switch env.Method {
	case "Target.attachedToTarget", "Target.targetCreated", "Target.targetInfoChanged":
		var p struct {
			SessionID          string
			TargetInfo         struct{ TargetID, Type string }
			WaitingForDebugger bool
		}
		json.Unmarshal(env.Params, &p)
		s.mu.Lock()
		s.types[p.TargetInfo.TargetID] = p.TargetInfo.Type
		if p.SessionID != "" {
			s.types[p.SessionID] = p.TargetInfo.Type
			if ss := s.session(p.SessionID); ss != nil && env.Method == "Target.attachedToTarget" {
				ss.paused = p.WaitingForDebugger
			}
		}
		s.mu.Unlock()
	case "Target.detachedFromTarget":
		id := cdpmux.SessionIDOf(env.Params)
		s.mu.Lock()
		delete(s.types, id)
		delete(s.sessions, id)
		s.mu.Unlock()
	case "Target.targetDestroyed":
		var p struct{ TargetID string }
		json.Unmarshal(env.Params, &p)
		s.mu.Lock()
		delete(s.types, p.TargetID)
		s.mu.Unlock()
	case "Page.frameNavigated":
		var p struct {
			Frame struct{ ID, SecurityOrigin string }
		}
		json.Unmarshal(env.Params, &p)
		return s.newDocument(env, p.Frame.ID, p.Frame.SecurityOrigin, true)
	case "Page.frameAttached":
		var p struct{ FrameID string }
		json.Unmarshal(env.Params, &p)
		return s.newDocument(env, p.FrameID, "", true)
	case "Page.frameDetached":
		var p struct{ FrameID string }
		json.Unmarshal(env.Params, &p)
		return s.newDocument(env, p.FrameID, "", false)
	}
	return []cdpmux.Message{env}
}

// newDocument handles a frame whose document changed (or that went away,
// when !alive): the client hears that its old contexts are gone, and the
// new ones are looked up.
func (s *runtimeShim) newDocument(env cdpmux.Message, frameID, origin string, alive bool) []cdpmux.Message {
	s.mu.Lock()
	ss := s.session(env.SessionID)
	if ss == nil || frameID == "" {
		s.mu.Unlock()
		return []cdpmux.Message{env}
	}
	var out []cdpmux.Message
	if f := ss.frames[frameID]; f != nil {
		if ss.enabled {
			for _, id := range f.contexts {
				out = append(out, destroyedEvent(env.SessionID, id))
			}
		}
		f.contexts = map[string]int64{}
		f.gen++
	}
	if alive {
		f := ss.frame(frameID)
		if origin != "" {
			f.origin = origin
		}
	} else {
		delete(ss.frames, frameID)
	}
	enabled := ss.enabled
	s.mu.Unlock()
	if alive && enabled {
		go s.discover(env.SessionID, []string{frameID})
	}
	return append(out, env)
}

// reply handles the replies to the commands the shim follows.
func (s *runtimeShim) reply(env cdpmux.Message) []cdpmux.Message {
	s.mu.Lock()
	k := shimKey{env.SessionID, env.ID}
	cmd, ok := s.pending[k]
	delete(s.pending, k)
	if !ok || env.Error != nil {
		s.mu.Unlock()
		return []cdpmux.Message{env}
	}
	switch cmd.method {
	case "Target.attachToTarget":
		var p struct{ TargetID string }
		json.Unmarshal(cmd.params, &p)
		if t, ok := s.types[p.TargetID]; ok {
			s.types[cdpmux.SessionIDOf(env.Result)] = t
		}
	case "Runtime.runIfWaitingForDebugger":
		if ss := s.session(env.SessionID); ss != nil {
			ss.paused = false
			if ss.enabled {
				s.mu.Unlock()
				go func() {
					s.discover(env.SessionID, nil)
					s.c.Push(env)
				}()
				return nil
			}
		}
	case "Page.createIsolatedWorld":
		var p struct{ FrameID, WorldName string }
		json.Unmarshal(cmd.params, &p)
		var r struct{ ExecutionContextID int64 }
		json.Unmarshal(env.Result, &r)
		ss := s.session(env.SessionID)
		if ss == nil {
			break
		}
		ss.addWorld(p.WorldName)
		if !ss.enabled || r.ExecutionContextID == 0 {
			break
		}
		f := ss.frame(p.FrameID)
		events := s.report(env.SessionID, p.FrameID, f, p.WorldName, r.ExecutionContextID)
		s.mu.Unlock()
		return append(events, env)
	}
	s.mu.Unlock()
	return []cdpmux.Message{env}
}

// report records that a world of a frame has a context and returns the
// events that tell the client. It is called with mu held.
func (s *runtimeShim) report(session, frameID string, f *shimFrame, world string, id int64) []cdpmux.Message {
	old := f.contexts[world]
	if old == id {
		return nil
	}
	var out []cdpmux.Message
	if old != 0 {
		out = append(out, destroyedEvent(session, old))
	}
	f.contexts[world] = id
	aux := map[string]any{"frameId": frameID, "isDefault": world == "", "type": "default"}
	if world != "" {
		aux["type"] = "isolated"
	}
	params, _ := json.Marshal(map[string]any{"context": map[string]any{
		"id": id, "origin": f.origin, "name": world, "auxData": aux,
	}})
	return append(out, cdpmux.Message{SessionID: session, Method: "Runtime.executionContextCreated", Params: params})
}

func destroyedEvent(session string, id int64) cdpmux.Message {
	params, _ := json.Marshal(map[string]any{"executionContextId": id})
	return cdpmux.Message{SessionID: session, Method: "Runtime.executionContextDestroyed", Params: params}
}

// discover looks up the contexts of the given frames of a session, or of
// all its frames, and tells the client of those it has not heard of.
func (s *runtimeShim) discover(session string, frames []string) {
	s.mu.Lock()
	ss := s.session(session)
	s.mu.Unlock()
	if ss == nil {
		return
	}
	ss.run.Lock()
	defer ss.run.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), shimTimeout)
	defer cancel()
	go func() {
		select {
		case <-s.c.Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	m := s.c.Mux()
	if frames == nil {
		raw, err := m.Call(ctx, session, "Page.getFrameTree", nil)
		if err != nil {
			return
		}
		var r struct{ FrameTree frameNode }
		json.Unmarshal(raw, &r)
		s.mu.Lock()
		r.FrameTree.walk(func(n *frameNode) {
			f := ss.frame(n.Frame.ID)
			if n.Frame.SecurityOrigin != "" {
				f.origin = n.Frame.SecurityOrigin
			}
			frames = append(frames, n.Frame.ID)
		})
		s.mu.Unlock()
	}
	for _, frameID := range frames {
		s.discoverFrame(ctx, session, ss, frameID)
	}
}

type frameNode struct {
	Frame       struct{ ID, SecurityOrigin string }
	ChildFrames []frameNode
}

func (n *frameNode) walk(f func(*frameNode)) {
	f(n)
	for i := range n.ChildFrames {
		n.ChildFrames[i].walk(f)
	}
}

func (s *runtimeShim) discoverFrame(ctx context.Context, session string, ss *shimSession, frameID string) {
	s.mu.Lock()
	f := ss.frames[frameID]
	if f == nil || !ss.enabled {
		s.mu.Unlock()
		return
	}
	gen, worlds := f.gen, append([]string(nil), ss.worlds...)
	s.mu.Unlock()
	found := map[string]int64{}
	for _, w := range worlds {
		if id, err := s.isolatedWorld(ctx, session, frameID, w); err == nil {
			found[w] = id
		}
	}
	if id, err := s.mainWorld(ctx, session, frameID); err == nil {
		found[""] = id
	}
	s.installBindings(ctx, session, ss, f, found)
	s.mu.Lock()
	var events []cdpmux.Message
	if ss.enabled && ss.frames[frameID] == f && f.gen == gen && s.sessions[session] == ss {
		if id, ok := found[""]; ok { // the main world first, as Chromium reports them
			events = append(events, s.report(session, frameID, f, "", id)...)
		}
		for _, w := range worlds {
			if id, ok := found[w]; ok {
				events = append(events, s.report(session, frameID, f, w, id)...)
			}
		}
	}
	s.mu.Unlock()
	for _, e := range events {
		s.c.Push(e)
	}
}

// installBindings adds the client's bindings to the contexts of a frame
// that the client has not been told of yet, as V8 would with the domain on.
func (s *runtimeShim) installBindings(ctx context.Context, session string, ss *shimSession, f *shimFrame, found map[string]int64) {
	type install struct {
		name string
		id   int64
	}
	var todo []install
	s.mu.Lock()
	for world, id := range found {
		if f.contexts[world] == id {
			continue
		}
		for _, name := range ss.bindingsFor(world) {
			todo = append(todo, install{name, id})
		}
	}
	s.mu.Unlock()
	for _, b := range todo {
		s.c.Mux().Call(ctx, session, "Runtime.addBinding", map[string]any{"name": b.name, "executionContextId": b.id})
	}
}

func (s *runtimeShim) isolatedWorld(ctx context.Context, session, frameID, name string) (int64, error) {
	raw, err := s.c.Mux().Call(ctx, session, "Page.createIsolatedWorld", map[string]any{"frameId": frameID, "worldName": name, "grantUniveralAccess": true})
	if err != nil {
		return 0, err
	}
	var r struct{ ExecutionContextID int64 }
	json.Unmarshal(raw, &r)
	if r.ExecutionContextID == 0 {
		return 0, errShim
	}
	return r.ExecutionContextID, nil
}

// mainWorld finds the context of a frame's main world: the document, seen
// from the shim's isolated world, resolved without a context, is a main
// world object, whose id names its context.
func (s *runtimeShim) mainWorld(ctx context.Context, session, frameID string) (int64, error) {
	m := s.c.Mux()
	iso, err := m.Call(ctx, session, "Page.createIsolatedWorld", map[string]any{"frameId": frameID, "worldName": s.world})
	if err != nil {
		return 0, err
	}
	var w struct{ ExecutionContextID int64 }
	json.Unmarshal(iso, &w)
	const group = "sessionql-shim"
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shimTimeout)
		defer cancel()
		m.Call(ctx, session, "Runtime.releaseObjectGroup", map[string]any{"objectGroup": group})
	}()
	raw, err := m.Call(ctx, session, "Runtime.evaluate", map[string]any{"expression": "document", "contextId": w.ExecutionContextID, "objectGroup": group})
	if err != nil {
		return 0, err
	}
	var doc struct{ Result struct{ ObjectID string } }
	json.Unmarshal(raw, &doc)
	if doc.Result.ObjectID == "" {
		return 0, errShim
	}
	raw, err = m.Call(ctx, session, "DOM.describeNode", map[string]any{"objectId": doc.Result.ObjectID})
	if err != nil {
		return 0, err
	}
	var node struct{ Node struct{ BackendNodeID int64 } }
	json.Unmarshal(raw, &node)
	raw, err = m.Call(ctx, session, "DOM.resolveNode", map[string]any{"backendNodeId": node.Node.BackendNodeID, "objectGroup": group})
	if err != nil {
		return 0, err
	}
	var obj struct{ Object struct{ ObjectID string } }
	json.Unmarshal(raw, &obj)
	return contextOfObject(obj.Object.ObjectID)
}

// contextOfObject reads the execution context id out of a remote object id:
// V8 writes "<isolate>.<context>.<object>" (and once wrote JSON with an
// injectedScriptId).
func contextOfObject(objectID string) (int64, error) {
	if strings.HasPrefix(objectID, "{") {
		var v struct{ InjectedScriptID int64 }
		if json.Unmarshal([]byte(objectID), &v) == nil && v.InjectedScriptID != 0 {
			return v.InjectedScriptID, nil
		}
		return 0, errShim
	}
	parts := strings.Split(objectID, ".")
	if len(parts) != 3 {
		return 0, errShim
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || id == 0 {
		return 0, errShim
	}
	return id, nil
}

var errShim = errors.New("the runtime shim could not find a context")
