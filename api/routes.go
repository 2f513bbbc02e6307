package api

import (
	"net/http"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"
	"github.com/sessionql/sessionql"
)

// methods are the methods the API answers on some route.
var methods = []string{"GET", "HEAD", "POST", "PATCH", "DELETE"}

// notFound answers a path no route has.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, sessionql.Errorf(sessionql.CodeNotFound, "There is no endpoint %s %s; the API is described at /openapi.json.", r.Method, r.URL.Path))
}

// methodNotAllowed answers a known path asked with a method it does not
// take: OPTIONS learns the methods it takes (204 with Allow), any other
// method 405 with Allow. CORS preflights from allowed origins are answered
// before, by the CORS middleware.
func methodNotAllowed(routes chi.Routes) http.HandlerFunc {
	flat := sync.OnceValue(func() *chi.Mux { return flatten(routes) })
	return func(w http.ResponseWriter, r *http.Request) {
		allowed := allowedMethods(flat(), r.URL.Path)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeError(w, sessionql.Errorf(sessionql.CodeMethodNotAllowed, "%s is not allowed on %s; it takes %s.", r.Method, r.URL.Path, strings.Join(allowed, ", ")))
	}
}

// flatten copies the routes' patterns and methods into a router without
// sub-routers, whose Find is exact (a sub-router's mount matches every
// method).
func flatten(routes chi.Routes) *chi.Mux {
	flat := chi.NewRouter()
	noop := func(http.ResponseWriter, *http.Request) {}
	chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		flat.MethodFunc(method, route, noop)
		if trimmed := strings.TrimSuffix(route, "/"); trimmed != route && trimmed != "" {
			flat.MethodFunc(method, trimmed, noop)
		}
		return nil
	})
	return flat
}

// allowedMethods lists the methods some route answers on path, OPTIONS
// included.
func allowedMethods(routes chi.Routes, path string) []string {
	var allowed []string
	for _, m := range methods {
		if routes.Match(chi.NewRouteContext(), m, path) {
			allowed = append(allowed, m)
		}
	}
	return append(allowed, http.MethodOptions)
}
