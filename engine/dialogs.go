package engine

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Dialog is an alert, confirm, prompt or beforeunload dialog the page
// opened, and how it was answered.
type Dialog struct {
	Type          string // alert, confirm, prompt or beforeunload
	Message       string
	DefaultPrompt string
	URL           string // the frame's URL
	Accepted      bool
	Text          string // what was typed into a prompt
}

// DialogPolicy says how the page's dialogs are answered.
type DialogPolicy struct {
	Accept bool
	Text   string // for a prompt, when accepted
}

// dialogDelay is the range of the pause before a dialog is answered, as a
// person would take to read it.
var dialogDelay = [2]time.Duration{250 * time.Millisecond, 750 * time.Millisecond}

// Dialogs answers the page's dialogs while a request runs, so that a page
// that opens one does not stall every later step, and remembers them. By
// default each is dismissed after a short human-like pause.
type Dialogs struct {
	page *Page
	stop context.CancelFunc

	mu     sync.Mutex
	policy DialogPolicy
	seen   []Dialog
}

// WatchDialogs starts answering the page's dialogs until Close. A dialog
// left open before it started is dismissed at once.
func (p *Page) WatchDialogs() (*Dialogs, error) {
	life, stop := context.WithCancel(p.ctx)
	d := &Dialogs{page: p, stop: stop}
	if err := chromedp.Listen(life, func(ev any) {
		if ev, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			go d.answer(life, ev)
		}
	}); err != nil {
		stop()
		return nil, err
	}
	// A dialog that opened before the listener above started is still open
	// only if the tab's dialog state says so; the state's listener sees
	// every event the one above missed, as the target runs all listeners
	// of an event under the lock that Listen takes. Asking the browser
	// costs a round trip, so it is asked only when a dialog may be open:
	// on the first watch of the tab, before the state knew anything.
	open, err := p.dialogOpen()
	if err != nil {
		stop()
		return nil, err
	}
	if open {
		ctx, cancel := context.WithTimeout(life, time.Second)
		defer cancel()
		chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{}) // fails when none is open
	}
	return d, nil
}

// dialogState follows whether the tab shows a dialog, for as long as the
// tab lives.
type dialogState struct {
	mu   sync.Mutex
	open bool
}

func (s *dialogState) observe(ev any) {
	switch ev.(type) {
	case *page.EventJavascriptDialogOpening:
		s.mu.Lock()
		s.open = true
		s.mu.Unlock()
	case *page.EventJavascriptDialogClosed:
		s.mu.Lock()
		s.open = false
		s.mu.Unlock()
	}
}

// dialogOpen tells whether a dialog may be open on the tab. The first call
// starts following the tab's dialogs and answers true, since one may have
// opened before.
func (p *Page) dialogOpen() (bool, error) {
	p.steps.mu.Lock()
	defer p.steps.mu.Unlock()
	if s := p.steps.dialog; s != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.open, nil
	}
	s := &dialogState{}
	if err := chromedp.Listen(p.ctx, s.observe); err != nil {
		return false, err
	}
	p.steps.dialog = s
	return true, nil
}

// Close stops answering dialogs.
func (d *Dialogs) Close() { d.stop() }

// SetPolicy says how the next dialogs are answered.
func (d *Dialogs) SetPolicy(p DialogPolicy) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.policy = p
}

// Seen lists the dialogs answered so far, oldest first.
func (d *Dialogs) Seen() []Dialog {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Dialog{}, d.seen...)
}

// answer waits a human-like pause, then answers the dialog as the policy
// says and remembers it.
func (d *Dialogs) answer(ctx context.Context, ev *page.EventJavascriptDialogOpening) {
	pause := dialogDelay[0] + rand.N(dialogDelay[1]-dialogDelay[0])
	if sleep(ctx, pause) != nil {
		return
	}
	d.mu.Lock()
	pol := d.policy
	d.mu.Unlock()
	params := page.HandleJavaScriptDialogParams{Accept: pol.Accept}
	if pol.Accept && ev.Type == page.DialogTypePrompt {
		params.PromptText = pol.Text
		if params.PromptText == "" {
			params.PromptText = ev.DefaultPrompt
		}
	}
	if _, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, params); err != nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen = append(d.seen, Dialog{Type: string(ev.Type), Message: ev.Message, DefaultPrompt: ev.DefaultPrompt, URL: ev.URL,
		Accepted: params.Accept, Text: params.PromptText})
}
