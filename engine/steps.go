package engine

import "sync"

// stepState is what BrowserQL steps keep about a tab between calls.
type stepState struct {
	mu       sync.Mutex
	nav      *navigation  // started on first use
	dialog   *dialogState // started by the first WatchDialogs
	blocker  *blocker     // non-nil while reject blocks requests
	settings Settings     // what mutations overrode; see emulation.go
}
