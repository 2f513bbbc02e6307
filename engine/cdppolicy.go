package engine

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sessionql/sessionql/engine/internal/cdpmux"
)

// verdict is what the server does with one kind of command from a user.
type verdict string

// The verdicts of the policy table; commands that are not in the table pass
// as they are.
const (
	rewritten verdict = "rewritten" // passes with parameters the server sets
	checked   verdict = "checked"   // passes unless a parameter crosses the session's boundary
	refused   verdict = "refused"   // never reaches the browser
)

// rule is one row of the policy table. check returns the parameters to send
// or why the command is refused; a refused row has none.
type rule struct {
	verdict verdict
	why     string
	check   func(p *userPolicy, env cdpmux.Message) (json.RawMessage, error)
}

// cdpRules is the one policy for users' DevTools commands: each row is a
// command that could reach the server's files, hand the page a protocol
// channel or reach the host, and what the server does with it. docs/cdp.md
// shows it as a table; a test checks that every row is there.
var cdpRules = map[string]rule{
	"Browser.setDownloadBehavior":        {rewritten, "downloads always go to the session's downloads folder; behavior default becomes allow", (*userPolicy).downloadBehavior},
	"Page.setDownloadBehavior":           {rewritten, "as Browser.setDownloadBehavior", (*userPolicy).downloadBehavior},
	"DOM.setFileInputFiles":              {rewritten, "files must be in the session's uploads folder; relative names resolve there", (*userPolicy).fileInputFiles},
	"Input.dispatchDragEvent":            {rewritten, "data.files as DOM.setFileInputFiles", (*userPolicy).dragEvent},
	"Page.navigate":                      {checked, "url must not be file:, chrome: or another browser-internal scheme", urlParam("url", false)},
	"Target.createTarget":                {checked, "as Page.navigate", urlParam("url", false)},
	"PWA.launch":                         {checked, "as Page.navigate", urlParam("url", false)},
	"Page.navigateToHistoryEntry":        {checked, "the entry's URL as Page.navigate", (*userPolicy).historyEntry},
	"Network.loadNetworkResource":        {checked, "url must be http: or https:", urlParam("url", true)},
	"Fetch.continueRequest":              {checked, "a changed url must be http: or https:", urlParam("url", true)},
	"Network.continueInterceptedRequest": {checked, "as Fetch.continueRequest", urlParam("url", true)},
	"PWA.install":                        {checked, "installUrlOrBundleUrl must be http: or https:, not a file of the server", urlParam("installUrlOrBundleUrl", true)},
	"Tracing.start":                      {checked, "tracingBackend system would reach the host's tracing service", tracingBackend},
	"Target.createBrowserContext":        {checked, "when the browser goes through the egress proxy (BLOCK_PRIVATE_NETWORKS, blockAds, proxy credentials), proxyServer and proxyBypassList would bypass it", (*userPolicy).contextProxy},
	"Target.exposeDevToolsProtocol":      {refused, "it hands the page a DevTools channel to the whole browser", nil},
	"Target.openDevTools":                {refused, "DevTools windows hold a protocol channel of their own", nil},
	"Target.setRemoteLocations":          {refused, "it makes the browser connect to other hosts for targets", nil},
	"Tethering.bind":                     {refused, "it opens a port on the server", nil},
	"Extensions.loadUnpacked":            {refused, "it loads code from the server's file system", nil},
	"PWA.launchFilesInApp":               {refused, "it opens files of the server", nil},
	"Browser.getBrowserCommandLine":      {refused, "the command line names the server's folders", nil},
}

// The row for Target.sendMessageToTarget checks a command with the table
// itself, so it is added once the table exists.
func init() {
	cdpRules["Target.sendMessageToTarget"] = rule{checked, "the command inside is checked as one of its own", (*userPolicy).innerMessage}
}

// userPolicy is the boundary of one session's browser, as users' commands
// are checked against it.
type userPolicy struct {
	downloads     string // every download goes here
	uploads       string // the only folder files may be handed to pages from; empty for none
	allowFileURLs bool   // the operator's ALLOW_FILE_URLS
	egress        bool   // the browser goes through the egress proxy; see egress.go
	history       func(session string) (map[int64]string, error)
}

// filter applies the policy to one command: it returns the command to send,
// or the error reply to give the user instead. Commands outside the table
// cost one map lookup.
func (p *userPolicy) filter(env cdpmux.Message) (cdpmux.Message, *cdpmux.Message) {
	r, ok := cdpRules[env.Method]
	if !ok {
		return env, nil
	}
	if r.check == nil {
		return env, p.refuse(env, errors.New(r.why))
	}
	params, err := r.check(p, env)
	if err != nil {
		return env, p.refuse(env, err)
	}
	env.Params = params
	return env, nil
}

// refuse is the CDP error reply to a refused command.
func (p *userPolicy) refuse(env cdpmux.Message, why error) *cdpmux.Message {
	r := cdpmux.Refusal(env.ID, -32000, fmt.Sprintf("%s refused by sessionql: %v", env.Method, why))
	r.SessionID = env.SessionID
	return r
}

// params reads a command's parameters as an object; a command without them
// gets an empty one.
func params(env cdpmux.Message) (map[string]any, error) {
	v := map[string]any{}
	if len(env.Params) == 0 {
		return v, nil
	}
	if err := json.Unmarshal(env.Params, &v); err != nil {
		return nil, errors.New("its params must be an object")
	}
	return v, nil
}

// urlParam checks the URL in one parameter: with web, it must be http(s);
// else it must be a URL a session may navigate to. A missing one passes.
func urlParam(name string, web bool) func(*userPolicy, cdpmux.Message) (json.RawMessage, error) {
	return func(p *userPolicy, env cdpmux.Message) (json.RawMessage, error) {
		v, err := params(env)
		if err != nil {
			return nil, err
		}
		raw, _ := v[name].(string)
		if raw == "" {
			return env.Params, nil
		}
		if web {
			if s, _, ok := urlScheme(raw); !ok || s != "http" && s != "https" {
				return nil, fmt.Errorf("%s must be an http: or https: URL", name)
			}
			return env.Params, nil
		}
		return env.Params, checkURL(raw, p.allowFileURLs)
	}
}

func tracingBackend(_ *userPolicy, env cdpmux.Message) (json.RawMessage, error) {
	v, err := params(env)
	if err != nil {
		return nil, err
	}
	if v["tracingBackend"] == "system" {
		return nil, errors.New("tracingBackend system reaches the host's tracing service; use auto or chrome")
	}
	return env.Params, nil
}

func (p *userPolicy) contextProxy(env cdpmux.Message) (json.RawMessage, error) {
	v, err := params(env)
	if err != nil {
		return nil, err
	}
	if p.egress && (v["proxyServer"] != nil || v["proxyBypassList"] != nil) {
		return nil, errors.New("a context's own proxy would bypass the server's egress checks (BLOCK_PRIVATE_NETWORKS, blockAds or the session proxy's credentials); give the session a proxy when you create it")
	}
	return env.Params, nil
}

// innerMessage checks the command that Target.sendMessageToTarget carries,
// so the old non-flat sessions are no way around the policy.
func (p *userPolicy) innerMessage(env cdpmux.Message) (json.RawMessage, error) {
	v, err := params(env)
	if err != nil {
		return nil, err
	}
	msg, _ := v["message"].(string)
	inner, bad := cdpmux.ParseCommand([]byte(msg))
	if bad != nil {
		return env.Params, nil // Chromium answers it with its own error
	}
	checkedInner, refusal := p.filter(inner)
	if refusal != nil {
		var e struct{ Message string }
		json.Unmarshal(refusal.Error, &e)
		return nil, errors.New(e.Message)
	}
	if string(checkedInner.Params) == string(inner.Params) {
		return env.Params, nil
	}
	raw, _ := json.Marshal(map[string]any{"id": inner.ID, "method": inner.Method, "params": checkedInner.Params})
	v["message"] = string(raw)
	return json.Marshal(v)
}

// historyEntry checks the URL of the history entry a user navigates to; the
// history comes from the browser, as the entry ids only name it.
func (p *userPolicy) historyEntry(env cdpmux.Message) (json.RawMessage, error) {
	if p.allowFileURLs || p.history == nil {
		return env.Params, nil
	}
	var v struct {
		EntryID int64 `json:"entryId"`
	}
	json.Unmarshal(env.Params, &v)
	entries, err := p.history(env.SessionID)
	if err != nil {
		return env.Params, nil // the browser answers the command with its own error
	}
	return env.Params, checkURL(entries[v.EntryID], false)
}
