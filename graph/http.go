package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/engine"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// cacheBytes bounds each of the query caches.
const cacheBytes = 32 << 20

// Acquire gives a request the session's page once its query is valid, and a
// release to call when the request is done.
// release says whether what the request did was saved; see Serve.
type Acquire func(r *http.Request) (page *engine.Page, release func() error, err error)

// Pages gives requests the page of a session; sessions.Service is one.
type Pages interface {
	Acquire(ctx context.Context, id string) (page *engine.Page, release func() error, err error)
}

// ServeSession is Serve on the page of session id, which pages gives, so
// that a transport never handles the engine's page itself.
func (h *Handler) ServeSession(w http.ResponseWriter, r *http.Request, pages Pages, id string) error {
	return h.Serve(w, r, func(r *http.Request) (*engine.Page, func() error, error) { return pages.Acquire(r.Context(), id) })
}

// Handler serves BrowserQL requests. It parses and validates a query before
// it takes the session's page, so a broken query never wakes a browser.
type Handler struct {
	// MaxAnswerBytes bounds one answer (MAX_ANSWER_BYTES); zero means
	// engine.DefaultMaxAnswerBytes. Each field's reply from the browser is
	// bounded by the engine.
	MaxAnswerBytes int

	exec    *executor.Executor
	queries *cache[*ast.QueryDocument]
	apq     *cache[string]
}

// NewHandler builds the executor with its caches, persisted queries,
// introspection for the playground, and the error presenter.
func NewHandler(version string) (*Handler, error) {
	resolver := &Resolver{ServerVersion: version}
	h := &Handler{exec: executor.New(NewExecutableSchema(Config{Resolvers: resolver, Directives: directives()}))}
	var err error
	if h.queries, err = newCache(cacheBytes, func(d *ast.QueryDocument) int64 { return int64(len(d.Operations)*64 + 256) }); err != nil {
		return nil, err
	}
	if h.apq, err = newCache(cacheBytes, func(q string) int64 { return int64(len(q)) }); err != nil {
		return nil, err
	}
	h.exec.SetQueryCache(h.queries)
	h.exec.Use(extension.Introspection{})
	h.exec.Use(extension.AutomaticPersistedQuery{Cache: h.apq})
	h.exec.Use(mutationsInQueries{}) // after APQ: the hash is of the text the client sent
	h.exec.SetErrorPresenter(PresentError)
	h.exec.SetRecoverFunc(recoverPanic)
	h.exec.AroundFields(substituteExports)
	h.exec.AroundFields(trackSteps)
	h.exec.AroundRootFields(resolver.gateConditions)
	return h, nil
}

// Close frees the caches.
func (h *Handler) Close() {
	h.queries.close()
	h.apq.close()
}

// Serve runs one request. It returns an error, and writes nothing, only when
// acquire failed or the page did not answer, so that the caller answers in
// the REST error shape. What a request sets up on the page (recording its
// traffic, blocking by reject) ends with it. Put the session's URLs on the
// request's context with WithEndpoints for reconnect.
func (h *Handler) Serve(w http.ResponseWriter, r *http.Request, acquire Acquire) error {
	r = r.WithContext(graphql.StartOperationTrace(r.Context()))
	params, err := decodeParams(r.Body)
	if err != nil {
		h.writeErrors(w, r, http.StatusBadRequest, gqlerror.List{gqlerror.Errorf("The body is not a GraphQL request: %v.", err)})
		return nil
	}
	params.Headers = r.Header
	ctx := r.Context()
	opCtx, errs := h.exec.CreateOperationContext(ctx, &params)
	if errs != nil {
		summarize(ctx, opCtx, errs)
		h.writeErrors(w, r.WithContext(graphql.WithOperationContext(ctx, opCtx)), http.StatusBadRequest, errs)
		return nil
	}
	page, release, err := h.acquireFor(r, opCtx, acquire)
	if err != nil {
		return err
	}
	release = sync.OnceValue(release)
	defer release()
	ctx, unbind := page.Bind(ctx) // a stopped session ends the request's waits at once
	defer unbind()
	req := &Request{Page: page, Endpoints: endpointsFrom(ctx)}
	if err := req.begin(); err != nil {
		return err
	}
	end := sync.OnceFunc(req.end)
	defer end()
	ctx = WithRequest(ctx, req)
	responses, ctx := h.exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	summarize(ctx, opCtx, resp.Errors)
	end() // what the request set up on the page ends before the next request can take it
	// A query has no page to mark.
	if page != nil && readOnly(opCtx.Operation.SelectionSet) {
		page.MarkReadOnly()
	}
	// The session saves its state before the client hears of the result; an
	// answer the store could not make durable is not sent as a success.
	if err := release(); err != nil {
		return err
	}
	h.writeAnswer(w, resp)
	return nil
}

// writeAnswer sends a request's answer, or an answer_too_large error in its
// place when the fields' results together are over MAX_ANSWER_BYTES: the
// steps ran and were saved, but the server does not send what it bounds.
func (h *Handler) writeAnswer(w http.ResponseWriter, resp *graphql.Response) {
	limit := h.MaxAnswerBytes
	if limit <= 0 {
		limit = engine.DefaultMaxAnswerBytes
	}
	body, err := json.Marshal(resp)
	if err != nil || len(body) <= limit {
		writeEncoded(w, http.StatusOK, body, err)
		return
	}
	msg := fmt.Sprintf("The answer is %d bytes, over the server's limit of %d (MAX_ANSWER_BYTES); the steps ran, so ask for less in one request (a selector, a clip, fewer fields).", len(body), limit)
	writeJSON(w, http.StatusOK, graphql.Response{Errors: gqlerror.List{{Message: msg, Extensions: map[string]any{"code": sessionql.CodeAnswerTooLarge}}}})
}

// acquireFor takes the page only for mutations: a query (such as the
// playground's introspection) needs no browser.
func (h *Handler) acquireFor(r *http.Request, opCtx *graphql.OperationContext, acquire Acquire) (*engine.Page, func() error, error) {
	if opCtx.Operation.Operation != ast.Mutation {
		return nil, func() error { return nil }, nil
	}
	return acquire(r)
}

func (h *Handler) writeErrors(w http.ResponseWriter, r *http.Request, status int, errs gqlerror.List) {
	for _, e := range errs {
		if e.Extensions == nil || e.Extensions["code"] == nil {
			setCode(e, sessionql.CodeInvalidRequest)
		}
	}
	resp := h.exec.DispatchError(r.Context(), errs)
	// A request error has no data entry at all (GraphQL spec, Response).
	writeJSON(w, status, struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Errors, resp.Extensions})
}

// writeJSON sends v with its length, in one write: a larger answer would
// otherwise go out in chunks.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	writeEncoded(w, status, body, err)
}

// writeEncoded sends an encoded answer, or an internal error when encoding
// failed.
func writeEncoded(w http.ResponseWriter, status int, body []byte, err error) {
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(graphql.Response{Errors: gqlerror.List{{Message: "The answer could not be encoded.", Extensions: map[string]any{"code": sessionql.CodeInternal}}}})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
