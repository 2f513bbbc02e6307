package sessions

// SealStore encrypts the saved state another Store keeps with key (32
// bytes), as BoltStore does with STATE_KEY; a nil key returns inner.
func SealStore(inner Store, key []byte) (Store, error) {
	seal, err := newSealer(key)
	if err != nil || seal == nil {
		return inner, err
	}
	return &sealedStore{Store: inner, seal: seal}, nil
}

type sealedStore struct {
	Store
	seal *sealer
}

// Unwrap is the store underneath, whose other abilities (a Lister, a
// Limiter, an EventLogStore) storeAs finds through the seal.
func (s *sealedStore) Unwrap() Store { return s.Store }

func (s *sealedStore) PutState(id string, raw []byte) error {
	blob, err := s.seal.seal(id, raw)
	if err != nil {
		return err
	}
	return s.Store.PutState(id, blob)
}

func (s *sealedStore) State(id string) ([]byte, error) {
	raw, err := s.Store.State(id)
	if err != nil || !sealed(raw) {
		return raw, err
	}
	return s.seal.open(id, raw)
}
