package api

import (
	"mime"
	"net/http"
	"strings"
)

// graphQLResponseType is the media type of GraphQL over HTTP; clients such
// as graphql-http and newer Apollo and urql ask for it.
const graphQLResponseType = "application/graphql-response+json"

// acceptsGraphQLResponse reports whether the request's Accept names
// application/graphql-response+json with a non-zero quality.
func acceptsGraphQLResponse(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mt == graphQLResponseType && params["q"] != "0" {
			return true
		}
	}
	return false
}

// graphQLResponseWriter answers a BrowserQL request's GraphQL results as
// application/graphql-response+json; refusals in the REST error shape
// keep their type.
type graphQLResponseWriter struct {
	http.ResponseWriter
}

func (w graphQLResponseWriter) WriteHeader(status int) {
	if w.Header().Get("Content-Type") == "application/json" {
		w.Header().Set("Content-Type", graphQLResponseType)
	}
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection.
func (w graphQLResponseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
