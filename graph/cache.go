package graph

import (
	"context"

	"github.com/dgraph-io/ristretto/v2"
)

// cache adapts ristretto to gqlgen's cache for parsed queries and automatic
// persisted queries; cost is the size of the query text in bytes.
type cache[T any] struct {
	c    *ristretto.Cache[string, T]
	cost func(T) int64
}

func newCache[T any](maxBytes int64, cost func(T) int64) (*cache[T], error) {
	c, err := ristretto.NewCache(&ristretto.Config[string, T]{
		NumCounters: maxBytes / 100,
		MaxCost:     maxBytes,
		BufferItems: 64,
	})
	if err != nil {
		return nil, err
	}
	return &cache[T]{c: c, cost: cost}, nil
}

func (c *cache[T]) Get(_ context.Context, key string) (T, bool) { return c.c.Get(key) }

// Add stores the value and waits until it is visible, so that a persisted
// query registered by one request is found by the next.
func (c *cache[T]) Add(_ context.Context, key string, value T) {
	c.c.Set(key, value, c.cost(value))
	c.c.Wait()
}

func (c *cache[T]) close() { c.c.Close() }
