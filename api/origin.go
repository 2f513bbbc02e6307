package api

import (
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/cors"
	"github.com/sessionql/sessionql"
)

// checkHost refuses requests for a Host the server does not answer to, so
// that a site whose name was rebound to this server's address (DNS
// rebinding) cannot reach it from a browser: with PUBLIC_URL only its host
// name; without a token only loopback names; with a token and no PUBLIC_URL
// any name, as the token guards the server. Loopback names are always
// accepted, and /healthz and /readyz answer any Host, for probes.
func (a *API) checkHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || a.hostAllowed(r.Host) {
			next.ServeHTTP(w, r)
			return
		}
		if a.cfg.PublicURL != "" {
			writeError(w, sessionql.Errorf(sessionql.CodeInvalidHost, "This server answers for %s (PUBLIC_URL), not for the Host %q; use the URL in PUBLIC_URL.", a.publicHost(), r.Host))
			return
		}
		writeError(w, sessionql.Errorf(sessionql.CodeInvalidHost, "Without a token this server answers only to loopback names (localhost, 127.0.0.1, [::1]), not to the Host %q; set PUBLIC_URL to the name clients use, and a TOKEN.", r.Host))
	})
}

func (a *API) hostAllowed(host string) bool {
	name := hostName(host)
	switch {
	case loopbackName(name):
		return true
	case a.cfg.PublicURL != "":
		return name == a.publicHost()
	}
	return a.cfg.Token != ""
}

// publicHost is the host name of PUBLIC_URL, in lower case.
func (a *API) publicHost() string {
	u, err := url.Parse(a.cfg.PublicURL)
	if err != nil {
		return ""
	}
	return hostName(u.Host)
}

// hostName is a Host header's name without port, in lower case, without a
// trailing dot.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	return strings.ToLower(host)
}

func loopbackName(name string) bool {
	if name == "localhost" {
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && ip.IsLoopback()
}

// checkOrigin refuses requests that a page of another site sends, REST,
// BrowserQL and WebSocket upgrades alike: the Origin header must be the
// server's own or one of CORS_ORIGINS. Requests without Origin (curl, SDKs,
// same-origin navigations) pass.
func (a *API) checkOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.originAllowed(r) {
			writeError(w, sessionql.Errorf(sessionql.CodeForbiddenOrigin, "Requests from pages of %s are refused; add it to CORS_ORIGINS to allow it.", r.Header.Get("Origin")))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// originAllowed is the origin policy, also the WebSocket upgrader's.
func (a *API) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	for _, o := range a.cfg.CORSOrigins {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if a.cfg.PublicURL != "" {
		if p, err := url.Parse(a.cfg.PublicURL); err == nil && strings.EqualFold(p.Scheme+"://"+p.Host, u.Scheme+"://"+u.Host) {
			return true
		}
	}
	return strings.EqualFold(u.Host, r.Host)
}

// corsHandler answers CORS, preflights included, for CORS_ORIGINS; with
// none it adds nothing.
func (a *API) corsHandler() func(http.Handler) http.Handler {
	if len(a.cfg.CORSOrigins) == 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	return cors.Handler(cors.Options{
		AllowedOrigins: a.cfg.CORSOrigins,
		AllowedMethods: []string{"GET", "POST", "PATCH", "DELETE"},
		AllowedHeaders: []string{"Authorization", "Content-Type"},
		ExposedHeaders: []string{"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"},
		MaxAge:         600,
	})
}

// simpleTypes are the content types a page of another site may send
// without a CORS preflight.
var simpleTypes = []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}

// jsonOnly refuses JSON endpoints' requests whose body is declared as one
// of the simple types, so that no cross-site form or beacon reaches them.
// A request without Content-Type passes.
func jsonOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct := r.Header.Get("Content-Type")
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			mt, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(ct)), ";")
		}
		for _, t := range simpleTypes {
			if strings.TrimSpace(mt) == t {
				writeError(w, sessionql.Errorf(sessionql.CodeUnsupportedMedia, "The body is declared as %s; send JSON with Content-Type: application/json (curl: --json).", t))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
