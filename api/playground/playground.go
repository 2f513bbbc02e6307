// Package playground serves GraphiQL, an in-browser GraphQL IDE, for the
// BrowserQL endpoint of a session. The scripts and the styles of GraphiQL are
// embedded in the binary, so the page loads nothing from another site. The file
// assets/README.md gives the versions and the way to refresh them.
package playground

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"sync"

	"github.com/sessionql/sessionql/api/internal/static"
)

// AssetsPath is the path prefix under which Assets serves the files that the
// page loads.
const AssetsPath = "/playground/assets/"

//go:embed assets/*.js assets/*.css
var assets embed.FS

// defaultQuery is the text in the editor when the browser has no saved query.
const defaultQuery = `# sessionql BrowserQL runs GraphQL against one browser session.
# Press Ctrl-Enter, or the run button, to run the example below.
mutation {
  goto(url: "https://example.com") {
    status
  }
}
`

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>sessionql BrowserQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.Assets}}graphiql.min.css?v={{.Version}}">
<link rel="stylesheet" href="{{.Assets}}session.css?v={{.Version}}">
</head>
<body>
{{if .Session}}<header id="session" class="sq-bar" data-session="{{.Session}}">
  <strong>sessionql</strong><span class="sq-label">BrowserQL</span>
  <span class="sq-label">Session</span><code class="sq-id">{{.Session}}</code>
  <span id="sq-status" class="sq-pill">…</span>
  <span class="sq-label">Expires</span><span id="sq-expires">…</span>
</header>{{end}}
<div id="sq-main"><div id="graphiql">Loading…</div><aside id="sq-previews" hidden><h2>Previews</h2><div id="sq-list"></div></aside></div>
<script src="{{.Assets}}react.production.min.js?v={{.Version}}"></script>
<script src="{{.Assets}}react-dom.production.min.js?v={{.Version}}"></script>
<script src="{{.Assets}}graphiql.min.js?v={{.Version}}"></script>
<script src="{{.Assets}}session.js?v={{.Version}}"></script>
<script>
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher: sessionql.previewing(GraphiQL.createFetcher({url: {{.Endpoint}}, enableIncrementalDelivery: false})),
    defaultQuery: {{.Query}},
  }),
);
sessionql.watchSession({{.Endpoint}});
</script>
</body>
</html>
`))

// version is a short hash of the embedded files; see static.Version.
var version = sync.OnceValue(func() string { return static.Version(assets) })

// Page writes an HTML page with GraphiQL that sends its queries to endpoint.
// The endpoint is the absolute or relative URL of the BrowserQL endpoint of a
// session, with its token. The page loads its assets from AssetsPath, so the
// server must also serve Assets. The page holds the token, so no cache keeps it
// and the browser sends no Referer header from it.
func Page(w http.ResponseWriter, endpoint string) { PageFor(w, endpoint, "") }

// PageFor is Page for session id: the page shows the session's id, status
// and expiry above the editor, read from the session's URL (the endpoint
// without /bql) as they change.
func PageFor(w http.ResponseWriter, endpoint, id string) {
	var buf bytes.Buffer
	err := page.Execute(&buf, map[string]string{
		"Assets":   AssetsPath,
		"Version":  version(),
		"Endpoint": endpoint,
		"Query":    defaultQuery,
		"Session":  id,
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	static.PageHeaders(h)
	w.Write(buf.Bytes())
}

// Assets returns a handler that serves the embedded scripts and styles under
// AssetsPath. Mount it at AssetsPath. It lets browsers cache the files for a
// year and answers 404 for any other path.
func Assets() http.Handler {
	return static.Handler(assets, "assets", AssetsPath, map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"})
}
