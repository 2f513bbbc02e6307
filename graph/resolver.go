// Package graph is the BrowserQL transport: thin resolvers that read
// arguments, run engine steps on the request's page and map the results.
package graph

// Resolver is the dependency container of the resolvers; gqlgen never
// regenerates this file.
type Resolver struct {
	// ServerVersion is what the version query answers.
	ServerVersion string
}
