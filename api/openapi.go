package api

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the REST API described as OpenAPI 3.1, kept in the repository
// (api/openapi.json) and checked by the tests against every answer they see.
//
//go:embed openapi.json
var OpenAPI []byte

// serveOpenAPI answers GET /openapi.json without the token: it describes
// the API, not any session.
func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(OpenAPI)
}
