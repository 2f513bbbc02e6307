package api

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// TestPersistedQueries checks automatic persisted queries: a hash alone is
// unknown at first, is registered by a request that sends the query with it,
// and then runs by itself.
func TestPersistedQueries(t *testing.T) {
	srv := newServer(t)
	s := srv.create(t, map[string]any{"stealth": true})
	query := `mutation { sum: evaluate(content: "20 + 22") { value } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}

	first := do(t, "POST", s.BrowserQL, map[string]any{"extensions": ext})
	if !strings.Contains(string(first.Body), "PersistedQueryNotFound") {
		t.Errorf("an unknown hash: %d %s; want PersistedQueryNotFound", first.Status, first.Body)
	}
	if r := do(t, "POST", s.BrowserQL, map[string]any{"query": query, "extensions": ext}); !strings.Contains(string(r.Body), `"value":"42"`) {
		t.Fatalf("registering: %d %s", r.Status, r.Body)
	}
	if r := do(t, "POST", s.BrowserQL, map[string]any{"extensions": ext}); !strings.Contains(string(r.Body), `"value":"42"`) {
		t.Errorf("the hash alone after registering: %d %s", r.Status, r.Body)
	}
	wrong := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("0", 64)}}
	if r := do(t, "POST", s.BrowserQL, map[string]any{"query": query, "extensions": wrong}); r.Status != 400 {
		t.Errorf("a query whose hash does not match: %d %s; want 400", r.Status, r.Body)
	}
}
