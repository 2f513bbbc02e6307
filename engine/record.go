package engine

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
	"github.com/sessionql/sessionql/engine/internal/rrweb"
)

// RecordFunc receives a tab's rrweb events, oldest first, each one JSON
// object as rrweb emitted it.
type RecordFunc func(tab string, events []json.RawMessage)

// Recorder records every page of a browser with rrweb: the tabs open when
// it starts and those opened later, every new document, from its start. The
// recorder runs in an isolated world of each page (the DOM is shared, the
// page's globals are not). As soon as the loop hears of a new document it
// adds a Runtime binding to that world by context id (rrweb.Binding; the
// page's main world never has it), and from then on the world pushes its
// events through it at the end of each task that made some: a document
// left a moment after it loaded has its events out before it is gone.
// Runtime.bindingCalled reaches the recorder without Runtime.enable, which
// stays off (pages notice it). What a document made before its binding was
// there is taken by Runtime.evaluate in the world: at once, when the
// document is about to be left, and by a poll. It is the engine's own
// client of the browser and ends with it, or with Stop.
type Recorder struct {
	client *cdpmux.Client
	fn     RecordFunc

	flush  chan tabFlush // asks the loop to drain one tab, or every tab, now
	settle chan tabFlush // asks the loop to finish setting up the pages it heard of
	stop   chan struct{}
	once   sync.Once
	done   chan struct{}

	// owned by the loop
	nextID    int64
	attaching map[int64]string // attachToTarget command id → target id
	tabs      map[string]*recordedTab
	guard     string           // the browser's guard tab, which is not recorded; see guard.go
	backlog   []cdpmux.Message // messages read while waiting for pushed events, handled next
}

// recordedTab is one page the recording is attached to.
type recordedTab struct {
	target  string
	session string
	world   int64  // the recorder's world in the current document; 0 when unknown
	script  string // the identifier of the new-document script

	pushWorld int64 // the world the last push came from
	pushSeq   int64 // the sequence number of that push
	pushing   int64 // a world that has the binding and was drained since: it pushes all it makes
}

const (
	recordPoll    = 250 * time.Millisecond
	recordDrain   = 1 << 20 // bytes of events one drain takes at most
	recordTimeout = 5 * time.Second
)

// Record starts recording the browser's pages; fn is called from one
// goroutine, in order. ctx bounds the start only.
func (b *Browser) Record(ctx context.Context, fn RecordFunc) (*Recorder, error) {
	c, err := b.mux.Connect(ctx, nil, cdpmux.AsEngine)
	if err != nil {
		return nil, err
	}
	r := &Recorder{client: c, fn: fn, flush: make(chan tabFlush), settle: make(chan tabFlush), stop: make(chan struct{}), done: make(chan struct{}), attaching: map[int64]string{}, tabs: map[string]*recordedTab{}, guard: b.guard}
	b.recording.Store(r)
	b.loops.Go(func() {
		defer b.recording.CompareAndSwap(r, nil)
		r.run()
	})
	// Discovery announces the open pages first, then each new one.
	if _, err := r.call(ctx, "", "Target.setDiscoverTargets", map[string]bool{"discover": true}); err != nil {
		r.Stop(ctx)
		return nil, err
	}
	// The open pages were announced before the reply: they record before
	// Record returns, so the first step on them is in the recording.
	r.ask(ctx, r.settle, tabFlush{})
	return r, nil
}

// Flush takes the events the pages hold now, so a reader right after it
// sees everything recorded so far.
func (r *Recorder) Flush(ctx context.Context) { r.ask(ctx, r.flush, tabFlush{}) }

// recording holds a browser's running recording, nil when it records
// not, so that navigations can let it take a tab's events first.
type recording struct{ atomic.Pointer[Recorder] }

// tabFlush asks the loop to drain one tab, or every tab when tab is "";
// with nav, before a navigation (see flushBeforeNavigation).
type tabFlush struct {
	tab string
	nav bool
	ack chan struct{}
}

// recordFlushWait bounds how long a navigation waits for the recording to
// take the events of the document it leaves.
const recordFlushWait = 2 * time.Second

// flushRecording takes the events of the page's current document before
// the engine navigates it away (goto, reload, back, forward): a document
// left a moment after it loaded may be gone before the recorder's loop
// hears of the navigation. It does nothing when the browser does not
// record.
func (p *Page) flushRecording(ctx context.Context) {
	if r := p.recording.Load(); r != nil {
		ctx, cancel := context.WithTimeout(ctx, recordFlushWait)
		defer cancel()
		r.ask(ctx, r.flush, tabFlush{tab: p.TabID(), nav: true})
	}
}

// flushBeforeUserNavigation does for a user's DevTools command what
// flushRecording does for the engine's steps: before a command that leaves
// a document reaches the browser, the recording takes every tab's events
// (the user's session does not name its tab).
func (b *Browser) flushBeforeUserNavigation(method string) {
	switch method {
	case "Page.navigate", "Page.reload", "Page.navigateToHistoryEntry":
	default:
		return
	}
	if r := b.recording.Load(); r != nil {
		ctx, cancel := context.WithTimeout(context.Background(), recordFlushWait)
		defer cancel()
		r.ask(ctx, r.flush, tabFlush{nav: true})
	}
}

// ask sends the loop a request and waits until it is done, the recording
// has ended or ctx ends.
func (r *Recorder) ask(ctx context.Context, req chan tabFlush, f tabFlush) {
	ack := make(chan struct{})
	f.ack = ack
	select {
	case req <- f:
	case <-r.done:
		return
	case <-ctx.Done():
		return
	}
	select {
	case <-ack:
	case <-r.done:
	case <-ctx.Done():
	}
}

// End asks the recording to stop, as Stop does, without waiting; a
// RecordFunc may call it.
func (r *Recorder) End() { r.once.Do(func() { close(r.stop) }) }

// Stop stops the recorder in every page, hands over its last events and
// detaches; the pages themselves stay. It waits until ctx ends at most.
func (r *Recorder) Stop(ctx context.Context) {
	r.End()
	select {
	case <-r.done:
	case <-ctx.Done():
		r.client.Close()
	}
}

// Done is closed once the recording has ended: stopped or its browser gone.
func (r *Recorder) Done() <-chan struct{} { return r.done }

func (r *Recorder) run() {
	defer close(r.done)
	defer r.client.Close()
	tick := time.NewTicker(recordPoll)
	defer tick.Stop()
	for {
		r.handleBacklog()
		select {
		case env := <-r.client.Messages():
			r.handle(env)
		case <-tick.C:
			r.drainAll()
		case req := <-r.flush:
			if req.nav {
				r.flushBeforeNavigation(req.tab)
			} else {
				r.drainAll()
			}
			close(req.ack)
		case req := <-r.settle:
			r.settleAttaching()
			close(req.ack)
		case <-r.stop:
			r.stopPages()
			return
		case <-r.client.Done():
			return
		}
	}
}

// targetMessage is what the Target, Page and Runtime events the loop reads
// say.
type targetMessage struct {
	targetEvent
	FrameID   string `json:"frameId"`
	SessionID string `json:"sessionId"`
	Frame     struct {
		ID       string `json:"id"`
		ParentID string `json:"parentId"`
	} `json:"frame"`
	Name               string `json:"name"`
	Payload            string `json:"payload"`
	ExecutionContextID int64  `json:"executionContextId"`
}

// pushed is what the recorder's world pushes through its binding.
type pushed struct {
	Seq      int64             `json:"seq"`
	Events   []json.RawMessage `json:"events"`
	Overflow bool              `json:"overflow"`
}

// flushBeforeNavigation takes the events of a tab's current document, or of
// every tab's, before something navigates it. The messages already queued
// come first, so that the loop knows the current document; one whose world
// pushes all it makes needs nothing more.
func (r *Recorder) flushBeforeNavigation(tab string) {
	for queued := true; queued; {
		r.handleBacklog()
		select {
		case env := <-r.client.Messages():
			r.handle(env)
		default:
			queued = false
		}
	}
	for _, t := range r.tabs {
		if (tab == "" || t.target == tab) && (t.world == 0 || t.pushing != t.world) {
			r.drain(t)
		}
	}
}

// handleBacklog handles the messages read while the loop waited for pushed
// events, in the order they came.
func (r *Recorder) handleBacklog() {
	for len(r.backlog) > 0 {
		env := r.backlog[0]
		r.backlog = r.backlog[1:]
		r.handle(env)
	}
}

func (r *Recorder) handle(env cdpmux.Message) {
	var m targetMessage
	json.Unmarshal(env.Params, &m)
	switch {
	case env.ID != 0:
		r.attached(env)
	case env.Method == "Target.targetCreated" && m.TargetInfo.Type == "page" && m.TargetInfo.TargetID != r.guard:
		r.attach(m.TargetInfo.TargetID)
	case env.Method == "Target.targetDestroyed":
		delete(r.tabs, m.TargetID)
	case env.Method == "Target.detachedFromTarget":
		r.forgetSession(m.SessionID)
	case env.Method == "Runtime.bindingCalled" && m.Name == rrweb.Binding:
		if t := r.bySession(env.SessionID); t != nil {
			r.received(t, m.ExecutionContextID, m.Payload)
		}
	case env.Method == "Page.frameStartedNavigating" || env.Method == "Page.frameRequestedNavigation":
		// The old document lives until the new one commits: take what it
		// holds, in case its binding is not there yet.
		if t := r.bySession(env.SessionID); t != nil && m.FrameID == t.target {
			r.drain(t)
		}
	case env.Method == "Page.frameNavigated":
		// A new document: give its world the binding at once, and take
		// what it made before.
		if t := r.bySession(env.SessionID); t != nil && m.Frame.ID == t.target && m.Frame.ParentID == "" {
			t.world = 0
			r.drain(t)
		}
	}
}

// received hands over the events a tab's world pushed.
func (r *Recorder) received(t *recordedTab, world int64, payload string) {
	var p pushed
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return
	}
	t.pushWorld, t.pushSeq = world, p.Seq
	if len(p.Events) > 0 {
		r.fn(t.target, p.Events)
	}
	if p.Overflow {
		slog.Warn("a page made more rrweb events than its recorder buffers; its recording stopped", "tab", t.target)
	}
}

// awaitPush reads messages until the push numbered seq from the world has
// been handed over, at most recordTimeout; messages other than pushes are
// kept for the loop. A world's pushes reach the recorder before the reply
// to the evaluation that made them.
func (r *Recorder) awaitPush(t *recordedTab, world, seq int64) {
	timer := time.NewTimer(recordTimeout)
	defer timer.Stop()
	for t.pushWorld != world || t.pushSeq < seq {
		select {
		case env := <-r.client.Messages():
			if env.Method == "Runtime.bindingCalled" {
				r.handle(env)
			} else {
				r.backlog = append(r.backlog, env)
			}
		case <-r.client.Done():
			return
		case <-timer.C:
			return
		}
	}
}

// settleAttaching handles the messages already queued, then waits until
// every page being attached is set up, at most recordTimeout.
func (r *Recorder) settleAttaching() {
	timer := time.NewTimer(recordTimeout)
	defer timer.Stop()
	for {
		r.handleBacklog()
		select {
		case env := <-r.client.Messages():
			r.handle(env)
			continue
		default:
		}
		if len(r.attaching) == 0 {
			return
		}
		select {
		case env := <-r.client.Messages():
			r.handle(env)
		case <-r.client.Done():
			return
		case <-timer.C:
			return
		}
	}
}

// attach attaches to a new page without waiting, so that the attachment
// is the client's own and its Page events reach the loop.
func (r *Recorder) attach(target string) {
	r.nextID++
	r.attaching[r.nextID] = target
	params, _ := json.Marshal(map[string]any{"targetId": target, "flatten": true})
	r.client.Send(cdpmux.Message{ID: r.nextID, Method: "Target.attachToTarget", Params: params})
}

// attached sets the recorder up on a page the loop attached to: for every
// new document from now on, and in the current one.
func (r *Recorder) attached(env cdpmux.Message) {
	target, ok := r.attaching[env.ID]
	delete(r.attaching, env.ID)
	session := cdpmux.SessionIDOf(env.Result)
	if !ok || session == "" {
		return
	}
	t := &recordedTab{target: target, session: session}
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	if _, err := r.call(ctx, session, "Page.enable", nil); err != nil {
		return
	}
	res, err := r.call(ctx, session, "Page.addScriptToEvaluateOnNewDocument", map[string]any{"source": rrweb.Script(), "worldName": rrweb.World})
	if err != nil {
		return
	}
	var added struct {
		Identifier string `json:"identifier"`
	}
	json.Unmarshal(res, &added)
	t.script = added.Identifier
	r.tabs[target] = t
	r.drain(t) // starts the recorder in the current document
}

func (r *Recorder) bySession(session string) *recordedTab {
	for _, t := range r.tabs {
		if t.session == session {
			return t
		}
	}
	return nil
}

func (r *Recorder) forgetSession(session string) {
	if t := r.bySession(session); t != nil {
		delete(r.tabs, t.target)
	}
}

func (r *Recorder) drainAll() {
	for _, t := range r.tabs {
		r.drain(t)
	}
}

// drained is what the recorder's drain returns.
type drained struct {
	Pushed   *int64            `json:"pushed"`
	Events   []json.RawMessage `json:"events"`
	More     bool              `json:"more"`
	Overflow bool              `json:"overflow"`
}

// drain hands the tab's buffered events to fn, starting the recorder in the
// document first when it does not run there yet (a document that loaded
// before the tab was attached). A world with the binding pushes them
// instead, and drain waits until they are handed over.
func (r *Recorder) drain(t *recordedTab) {
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	installed := false
	for {
		var d *drained
		err := r.inWorld(ctx, t, rrweb.Drain(recordDrain), &d)
		if err == nil && d == nil && !installed {
			installed = true
			if err = r.inWorld(ctx, t, rrweb.Script(), nil); err == nil {
				continue
			}
		}
		if err == nil && d == nil {
			return
		}
		if err != nil {
			if gone(err) {
				delete(r.tabs, t.target)
			}
			return
		}
		if d.Pushed != nil {
			r.awaitPush(t, t.world, *d.Pushed)
			t.pushing = t.world
			return
		}
		if len(d.Events) > 0 {
			r.fn(t.target, d.Events)
		}
		if d.Overflow {
			slog.Warn("a page made more rrweb events than its recorder buffers; its recording stopped", "tab", t.target)
		}
		if !d.More {
			return
		}
	}
}

// inWorld evaluates expr in the recorder's world of the tab's document and
// decodes a string result, itself JSON, into out. The world of a document
// gone to a navigation is looked up again once.
func (r *Recorder) inWorld(ctx context.Context, t *recordedTab, expr string, out any) error {
	for retry := 0; ; retry++ {
		if t.world == 0 {
			res, err := r.call(ctx, t.session, "Page.createIsolatedWorld", map[string]any{"frameId": t.target, "worldName": rrweb.World})
			if err != nil {
				return err
			}
			var w struct {
				ExecutionContextID int64 `json:"executionContextId"`
			}
			json.Unmarshal(res, &w)
			t.world = w.ExecutionContextID
			// Only this context gets the binding: V8 adds bindings to new
			// contexts by themselves only while Runtime is enabled.
			r.call(ctx, t.session, "Runtime.addBinding", map[string]any{"name": rrweb.Binding, "executionContextId": t.world})
		}
		res, err := r.call(ctx, t.session, "Runtime.evaluate", map[string]any{"expression": expr, "contextId": t.world, "returnByValue": true})
		if err != nil && isLostContext(err) && retry == 0 {
			t.world = 0
			continue
		}
		if err != nil {
			return err
		}
		return decodeEvaluated(res, out)
	}
}

// decodeEvaluated decodes what Runtime.evaluate returned: an exception is
// an error, a null result leaves out alone, a string is JSON for out.
func decodeEvaluated(res json.RawMessage, out any) error {
	var v struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(res, &v); err != nil {
		return err
	}
	if e := v.ExceptionDetails; e != nil {
		return errors.New("recorder: " + e.Text + " " + e.Exception.Description)
	}
	if out == nil || len(v.Result.Value) == 0 || string(v.Result.Value) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(v.Result.Value, &s); err != nil {
		return err
	}
	return json.Unmarshal([]byte(s), out)
}

// stopPages stops the recorder in every page and hands over what it held.
func (r *Recorder) stopPages() {
	for _, t := range r.tabs {
		ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
		if t.script != "" {
			r.call(ctx, t.session, "Page.removeScriptToEvaluateOnNewDocument", map[string]string{"identifier": t.script})
		}
		if r.inWorld(ctx, t, rrweb.Stop, nil) == nil {
			r.drain(t)
		}
		r.call(ctx, t.session, "Runtime.removeBinding", map[string]string{"name": rrweb.Binding})
		cancel()
	}
}

// call sends one command on the recording's client and returns its result.
func (r *Recorder) call(ctx context.Context, session, method string, params any) (json.RawMessage, error) {
	env := cdpmux.Message{SessionID: session, Method: method}
	if session == "" {
		env.SessionID = r.client.Session()
	}
	if params != nil {
		raw, err := json.Marshal(params)
		if err != nil {
			return nil, err
		}
		env.Params = raw
	}
	reply, err := r.client.Call(ctx, env)
	if err != nil {
		return nil, err
	}
	if reply.Error != nil {
		return nil, errors.New(method + ": " + string(reply.Error))
	}
	return reply.Result, nil
}

func isLostContext(err error) bool {
	s := err.Error()
	return strings.Contains(s, "Cannot find context") || strings.Contains(s, "context was destroyed") || strings.Contains(s, "navigated or closed")
}

// gone reports an error that says the tab or its session no longer exists.
func gone(err error) bool {
	s := err.Error()
	return strings.Contains(s, "Session with given id not found") || strings.Contains(s, "No target with given id") || strings.Contains(s, "not found")
}
