package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/sessions"
)

// Browserbase's API (/v1/…) as its official SDK calls it, mapped onto
// sessions and contexts, so that new Browserbase({apiKey, baseURL}) works
// against this server unchanged. What Browserbase has and this server
// cannot serve is refused with unsupported, never silently accepted.

// bbKey is the credential of a /v1 request: X-BB-API-Key, as the SDK
// sends it, else ?token= or Authorization: Bearer.
func bbKey(r *http.Request) string {
	if k := r.Header.Get("X-BB-API-Key"); k != "" {
		return k
	}
	return givenToken(r)
}

// browserbaseRoutes mounts /v1.
func (a *API) browserbaseRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(a.requireServerKey(bbKey), a.limitBody)
		r.With(jsonOnly).Post("/sessions", a.bbCreate)
		r.Get("/sessions", a.bbList)
		r.With(jsonOnly).Post("/contexts", a.bbCreateContext)
		r.Get("/contexts/{id}", a.bbGetContext)
		r.Put("/contexts/{id}", a.bbUpdateContext)
		r.Delete("/contexts/{id}", a.deleteContext)
	})
	r.Route("/sessions/{id}", func(r chi.Router) {
		r.Use(a.forward) // cluster mode: to the node that runs the session, as /sessions/{id}
		r.Use(a.requireSessionKey(bbKey))
		a.bbFileRoutes(r)
		r.Group(func(r chi.Router) {
			r.Use(a.limitBody)
			r.Get("/", a.bbGet)
			r.With(jsonOnly).Post("/", a.bbUpdate)
			r.Get("/debug", a.bbDebug)
			r.Get("/logs", a.bbLogs)
		})
	})
}

// bbSession is Browserbase's session object; connectUrl is in the answers
// of create and retrieve.
type bbSession struct {
	ID           string          `json:"id"`
	CreatedAt    string          `json:"createdAt"`
	UpdatedAt    string          `json:"updatedAt"`
	StartedAt    string          `json:"startedAt"`
	ExpiresAt    string          `json:"expiresAt"`
	EndedAt      string          `json:"endedAt,omitempty"`
	KeepAlive    bool            `json:"keepAlive"`
	ProjectID    string          `json:"projectId"`
	ProxyBytes   int             `json:"proxyBytes"`
	Region       string          `json:"region"`
	Status       string          `json:"status"`
	ContextID    string          `json:"contextId,omitempty"`
	UserMetadata json.RawMessage `json:"userMetadata,omitempty"`
	ConnectURL   string          `json:"connectUrl,omitempty"`
	// SeleniumRemoteURL and SigningKey are Browserbase's Selenium access,
	// which this server does not serve: empty.
	SeleniumRemoteURL string `json:"seleniumRemoteUrl"`
	SigningKey        string `json:"signingKey"`
}

// bbRegion is the region every session reports: this server's own.
const bbRegion = "local"

func (a *API) bbView(r *http.Request, s *sessions.Session, status string) bbSession {
	created := s.CreatedAt.UTC().Format(time.RFC3339Nano)
	v := bbSession{ID: s.ID, CreatedAt: created, UpdatedAt: created, StartedAt: created,
		ExpiresAt: s.ExpiresAt.UTC().Format(time.RFC3339Nano), KeepAlive: !s.Options.EndOnDisconnect,
		Region: bbRegion, Status: status, UserMetadata: s.UserMetadata}
	if s.Options.Context != nil {
		v.ContextID = s.Options.Context.ID
	}
	if len(v.UserMetadata) == 0 {
		v.UserMetadata = json.RawMessage("{}")
	}
	v.ConnectURL, _, _ = a.urls(r, s)
	return v
}

func (a *API) bbCreate(w http.ResponseWriter, r *http.Request) {
	var req bbCreateRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	create, err := req.toCreate()
	if err != nil {
		writeError(w, err)
		return
	}
	sess, err := a.createSession(create)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, a.bbView(r, sess, "RUNNING"))
}

func (a *API) bbGet(w http.ResponseWriter, r *http.Request) {
	sess, _, err := a.sessions.Get(chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, a.bbView(r, sess, "RUNNING"))
}

// bbUpdateRequest is the body of POST /v1/sessions/{id}.
type bbUpdateRequest struct {
	Status    string `json:"status"`
	ProjectID string `json:"projectId"`
}

// bbUpdate ends the session on REQUEST_RELEASE, saving it to its context
// first when it persists, and answers it as COMPLETED.
func (a *API) bbUpdate(w http.ResponseWriter, r *http.Request) {
	var req bbUpdateRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Status != "REQUEST_RELEASE" {
		writeError(w, invalid("status must be REQUEST_RELEASE, not %q.", req.Status))
		return
	}
	id := chi.URLParam(r, "id")
	sess, _, err := a.sessions.Get(id)
	if err == nil {
		err = a.sessions.Stop(id)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	v := a.bbView(r, sess, "COMPLETED")
	v.EndedAt, v.UpdatedAt = time.Now().UTC().Format(time.RFC3339Nano), time.Now().UTC().Format(time.RFC3339Nano)
	v.ConnectURL = ""
	writeJSON(w, http.StatusOK, v)
}

// bbList answers GET /v1/sessions: every running session that matches
// (Browserbase does not page). Ended sessions are not kept, so the other
// statuses list none.
func (a *API) bbList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := sessions.Filter{Limit: 1000}
	switch status := q.Get("status"); status {
	case "", "RUNNING":
	case "PENDING", "ERROR", "TIMED_OUT", "COMPLETED":
		writeJSON(w, http.StatusOK, []bbSession{})
		return
	default:
		writeError(w, invalid("status must be PENDING, RUNNING, ERROR, TIMED_OUT or COMPLETED, not %q.", status))
		return
	}
	if v := q.Get("q"); v != "" {
		mq, err := sessions.ParseQuery(v)
		if err != nil {
			writeError(w, err)
			return
		}
		f.Query = mq
	}
	out := []bbSession{}
	for {
		views, next, err := a.sessions.List(f)
		if err != nil {
			writeError(w, err)
			return
		}
		for _, v := range views {
			out = append(out, a.bbView(r, v.Session, "RUNNING"))
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	writeJSON(w, http.StatusOK, out)
}

// bbCreateRequest is Browserbase's session create body.
type bbCreateRequest struct {
	ProjectID       string             `json:"projectId"` // accepted and ignored: one server, one project
	ExtensionID     string             `json:"extensionId"`
	KeepAlive       *bool              `json:"keepAlive"`
	Timeout         *float64           `json:"timeout"` // seconds
	UserMetadata    json.RawMessage    `json:"userMetadata"`
	BrowserSettings *bbBrowserSettings `json:"browserSettings"`
	Proxies         json.RawMessage    `json:"proxies"`
	ProxySettings   json.RawMessage    `json:"proxySettings"`
	Region          string             `json:"region"`
}

type bbBrowserSettings struct {
	AdvancedStealth         bool            `json:"advancedStealth"`
	AllowedDomains          []string        `json:"allowedDomains"`
	BlockAds                bool            `json:"blockAds"`
	CaptchaImageSelector    string          `json:"captchaImageSelector"`
	CaptchaInputSelector    string          `json:"captchaInputSelector"`
	Context                 *bbContextRef   `json:"context"`
	ExtensionID             string          `json:"extensionId"`
	Fingerprint             json.RawMessage `json:"fingerprint"`
	IgnoreCertificateErrors bool            `json:"ignoreCertificateErrors"`
	LogSession              *bool           `json:"logSession"`
	OS                      string          `json:"os"`
	RecordSession           *bool           `json:"recordSession"`
	SolveCaptchas           *bool           `json:"solveCaptchas"`
	Verified                bool            `json:"verified"`
	Viewport                *struct {
		Width  int `json:"width"`
		Height int `json:"height"`
	} `json:"viewport"`
}

type bbContextRef struct {
	ID      string `json:"id"`
	Persist bool   `json:"persist"`
}

// unsupported is the refusal of a Browserbase feature this server cannot
// serve.
func unsupported(format string, args ...any) error {
	return sessionql.Errorf(sessionql.CodeUnsupported, format, args...)
}

// toCreate maps a Browserbase create onto this server's, refusing what
// does not map.
func (b *bbCreateRequest) toCreate() (*createRequest, error) {
	c := &createRequest{UserMetadata: b.UserMetadata}
	keepAlive := b.KeepAlive != nil && *b.KeepAlive // Browserbase's default is false
	c.KeepAlive = &keepAlive
	if b.Timeout != nil {
		ms := *b.Timeout * 1000
		c.TTL = &ms
	}
	switch {
	case b.Region != "":
		return nil, unsupported("region %q: this server runs its browsers where it runs; leave region out.", b.Region)
	case b.ExtensionID != "":
		return nil, unsupported("extensionId: this server does not load browser extensions.")
	case len(b.ProxySettings) > 0 && string(b.ProxySettings) != "null" && string(b.ProxySettings) != "{}":
		return nil, unsupported("proxySettings (custom CA certificates) are not supported.")
	}
	if err := b.proxies(c); err != nil {
		return nil, err
	}
	return c, b.BrowserSettings.apply(c)
}

// proxies maps Browserbase's proxies: false or none, or one external
// proxy for all traffic. Browserbase's managed proxies do not exist here.
func (b *bbCreateRequest) proxies(c *createRequest) error {
	raw := strings.TrimSpace(string(b.Proxies))
	switch raw {
	case "", "null", "false":
		return nil
	case "true":
		return unsupported("proxies: true asks for Browserbase's managed proxies, which this server does not have; pass [{\"type\": \"external\", \"server\": \"http://host:port\"}] for a proxy of your own.")
	}
	var list []struct {
		Type          string          `json:"type"`
		Server        string          `json:"server"`
		Username      string          `json:"username"`
		Password      string          `json:"password"`
		DomainPattern string          `json:"domainPattern"`
		Geolocation   json.RawMessage `json:"geolocation"`
	}
	if err := json.Unmarshal(b.Proxies, &list); err != nil {
		return invalid("proxies must be true, false or a list of proxy configurations.")
	}
	for _, p := range list {
		switch {
		case p.Type == "browserbase":
			return unsupported("proxies of type browserbase are Browserbase's managed proxies, which this server does not have; use type external with a proxy of your own.")
		case p.DomainPattern != "":
			return unsupported("proxies[].domainPattern: this server sends all of a session's traffic through one proxy; leave domainPattern out.")
		case p.Type == "none":
		case p.Type != "external":
			return invalid("proxies[].type must be external or none, not %q.", p.Type)
		case c.Proxy != nil:
			return unsupported("proxies: this server takes one external proxy per session.")
		default:
			c.Proxy = &proxyRequest{Server: p.Server, Username: p.Username, Password: p.Password}
		}
	}
	return nil
}

// apply maps browserSettings onto a create.
func (s *bbBrowserSettings) apply(c *createRequest) error {
	if s == nil {
		return nil
	}
	if err := s.refuse(); err != nil {
		return err
	}
	c.BlockAds, c.Stealth = s.BlockAds, s.AdvancedStealth
	c.Record = s.RecordSession != nil && *s.RecordSession
	if s.IgnoreCertificateErrors {
		c.Args = append(c.Args, "--ignore-certificate-errors")
	}
	if s.Viewport != nil {
		c.Viewport = &sessions.Viewport{Width: s.Viewport.Width, Height: s.Viewport.Height}
	}
	if s.Context != nil {
		if s.Context.ID == "" {
			return invalid("browserSettings.context.id is required.")
		}
		c.Context = &contextRequest{ID: s.Context.ID, Persist: s.Context.Persist}
	}
	return nil
}

// refuse names the first setting this server cannot serve.
func (s *bbBrowserSettings) refuse() error {
	switch {
	case s.SolveCaptchas != nil && *s.SolveCaptchas, s.CaptchaImageSelector != "", s.CaptchaInputSelector != "":
		return unsupported("browserSettings.solveCaptchas: this server does not solve captchas; leave it out or send false.")
	case len(s.AllowedDomains) > 0:
		return unsupported("browserSettings.allowedDomains is not supported.")
	case s.ExtensionID != "":
		return unsupported("browserSettings.extensionId: this server does not load browser extensions.")
	case len(s.Fingerprint) > 0 && string(s.Fingerprint) != "null":
		return unsupported("browserSettings.fingerprint: this server does not take fingerprint settings; use advancedStealth for its stealth mode.")
	case s.OS != "":
		return unsupported("browserSettings.os: this server's browsers run on its own operating system.")
	case s.Verified:
		return unsupported("browserSettings.verified is Browserbase's own identity service, which this server does not have.")
	}
	return nil
}
