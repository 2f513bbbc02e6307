package sessions

import "time"

// LiveToken is a live-view token as a LiveTokenStore keeps it: the
// token's hash (never the token), the session it opens, when it stops
// working (zero: with the session) and the view it was made with, which
// only the api reads.
type LiveToken struct {
	Hash    string
	Session string
	Expires time.Time
	View    []byte
}

// LiveTokenStore is a Store that keeps live-view tokens, so that in
// cluster mode a token minted on one node opens the live view on any.
type LiveTokenStore interface {
	// PutLiveToken keeps t, durable before it returns.
	PutLiveToken(t LiveToken) error
	// LiveToken finds the token with hash; false when there is none or it
	// expired.
	LiveToken(hash string) (LiveToken, bool, error)
	// RevokeLiveTokens forgets every token of session id.
	RevokeLiveTokens(id string) error
}

// LiveTokens is where live-view tokens are shared in cluster mode, or nil:
// outside cluster mode tokens stay in the memory of the server that made
// them.
func (s *Service) LiveTokens() LiveTokenStore {
	if !s.Clustered() {
		return nil
	}
	l, _ := storeAs[LiveTokenStore](s.store)
	return l
}
