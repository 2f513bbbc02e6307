package examples

import "testing"

func TestBrowserQLExamples(t *testing.T) {
	server := startServer(t)
	run(t, server, "go", "run", "./scrape")
	run(t, server, "go", "run", "./form")
}
