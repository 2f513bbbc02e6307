package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/gorilla/websocket"
	"github.com/sessionql/sessionql/api/playground"
	"github.com/sessionql/sessionql/api/webui"
	"github.com/sessionql/sessionql/graph"
	"github.com/sessionql/sessionql/sessions"
)

// Config is what the transport needs to know of the server's settings.
type Config struct {
	Token         string
	PublicURL     string // empty: from each request's Host and scheme
	MaxTTL        time.Duration
	ChromeStable  string        // path of Google Chrome, empty when not installed
	CORSOrigins   []string      // origins whose pages may call the API
	BodyTimeout   time.Duration // how long a request body may take; 0: 30s
	MetricsPublic bool          // /metrics without the token
}

// API holds the transport's dependencies.
type API struct {
	cfg      Config
	creds    *credentials // nil when auth is off
	sessions *sessions.Service
	bql      *graph.Handler
	upgrader websocket.Upgrader
	clients  clients    // CDP connections opened with a session credential
	live     liveTokens // live-view tokens; see liveurl.go
	pilots   pilots     // which live viewer steers each session
}

// NewRouter builds every route in one place, so tests can mount it on
// httptest.NewServer.
func NewRouter(cfg Config, svc *sessions.Service, bql *graph.Handler) http.Handler {
	router, _ := NewHandlers(cfg, svc, bql)
	return router
}

// NewHandlers builds the router and, apart, the Prometheus handler it
// serves at /metrics, for a server that also serves that on an address of
// its own (METRICS_ADDR).
func NewHandlers(cfg Config, svc *sessions.Service, bql *graph.Handler) (router, metrics http.Handler) {
	a := &API{cfg: cfg, creds: newCredentials(cfg.Token), sessions: svc, bql: bql}
	a.live.shared = svc.LiveTokens()
	a.upgrader = newUpgrader(a.originAllowed)
	m := newMetrics(svc, bql)
	r := chi.NewRouter()
	r.Use(m.observe, recoverer, a.checkHost, a.checkOrigin, a.corsHandler(), middleware.CleanPath)
	r.Handle(playground.AssetsPath+"*", playground.Assets())
	r.Handle(webui.AssetsPath+"*", webui.Assets())
	r.Get("/", a.dashboard) // the page asks for the token itself
	r.Get("/dashboard", a.dashboard)
	r.Get("/openapi.json", serveOpenAPI)
	for _, probe := range []struct {
		path    string
		handler http.HandlerFunc
	}{{"/healthz", a.health}, {"/readyz", a.ready}} { // no token: load balancers probe them
		r.Get(probe.path, probe.handler)
		r.Head(probe.path, probe.handler)
	}
	metricsGuard := a.requireServer
	if cfg.MetricsPublic {
		metricsGuard = middleware.NoCache
	}
	r.With(metricsGuard).Handle("/metrics", m.handler())
	r.Group(func(r chi.Router) {
		r.Use(a.requireServer, a.limitBody)
		r.Get("/pressure", a.pressure)
		r.With(jsonOnly).Post("/session", a.create)
		r.With(jsonOnly).Post("/sessions", a.create)
		r.Get("/sessions", a.list)
		r.With(jsonOnly).Post("/contexts", a.createContext)
		r.Get("/contexts", a.listContexts)
		r.Get("/contexts/{id}", a.getContext)
		r.Delete("/contexts/{id}", a.deleteContext)
	})
	r.Route("/sessions/{id}", func(r chi.Router) {
		r.Use(a.forward) // cluster mode: to the node that runs the session
		r.Group(func(r chi.Router) {
			r.Use(a.requireSession, a.limitBody)
			r.Get("/", a.get)
			r.With(jsonOnly).Patch("/", a.update)
			r.Delete("/", a.stop)
			r.With(jsonOnly).Post("/bql", a.runBQL)
			r.Get("/bql", a.playground)
			r.Get("/connect", a.connect)
			r.Get("/events", a.streamEvents)
			r.Get("/logs", a.logs)
			r.Get("/context", a.exportContext)
			r.Get("/recording", a.recording)
			r.Get("/replay", a.replayPage)
			r.With(jsonOnly).Post("/live-url", a.createLiveURL)
			r.Delete("/live-url", a.revokeLiveURLs)
			r.Get("/downloads", a.listDownloads)
			r.Get("/downloads/{name}", a.getDownload)
			r.Delete("/downloads/{name}", a.deleteDownload)
			r.Get("/uploads", a.listUploads)
			r.Delete("/uploads/{name}", a.deleteUpload)
		})
		r.With(a.requireSession).Post("/uploads", a.upload) // its own bound: MAX_UPLOAD_BYTES
		r.Group(func(r chi.Router) {
			r.Use(a.requireLive, a.limitBody)
			r.Get("/live", a.livePage)
			r.Get("/live/ws", a.liveSocket)
		})
	})
	r.Route("/v1", a.browserbaseRoutes)
	r.NotFound(notFound)
	r.MethodNotAllowed(methodNotAllowed(r))
	return r, m.handler()
}

func (a *API) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (a *API) pressure(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, a.sessions.Pressure())
}

// dashboard serves the dashboard page; its script calls the API with the
// token the person enters.
func (a *API) dashboard(w http.ResponseWriter, _ *http.Request) { webui.Dashboard(w) }
