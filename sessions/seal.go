package sessions

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// sealedV1 starts a state blob encrypted with AES-256-GCM. Clear state is
// JSON, which never starts with this byte, so both are told apart.
const sealedV1 = 0x01

// sealer encrypts saved state with STATE_KEY. The session id is the
// additional data, so a blob copied to another session does not open.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if key == nil {
		return nil, nil
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("the state key must be 32 bytes, not %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal encrypts raw under a fresh random nonce: version, nonce, ciphertext.
func (s *sealer) seal(id string, raw []byte) ([]byte, error) {
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(raw)+s.aead.Overhead())
	out[0] = sealedV1
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return s.aead.Seal(out, out[1:], raw, []byte(id)), nil
}

// open decrypts what seal wrote; the error says what to do when the key is
// missing or not the one that wrote it.
func (s *sealer) open(id string, blob []byte) ([]byte, error) {
	if s == nil {
		return nil, errors.New("the saved state is encrypted and no STATE_KEY is set; start the server with the STATE_KEY that wrote it")
	}
	n := s.aead.NonceSize()
	if len(blob) < 1+n {
		return nil, errors.New("the saved state is encrypted but cut short")
	}
	raw, err := s.aead.Open(nil, blob[1:1+n], blob[1+n:], []byte(id))
	if err != nil {
		return nil, errors.New("the saved state could not be decrypted with STATE_KEY: another key wrote it, or it is damaged; the session starts from its profile")
	}
	return raw, nil
}

func sealed(blob []byte) bool { return len(blob) > 0 && blob[0] == sealedV1 }
