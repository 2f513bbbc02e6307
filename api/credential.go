package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// credentialPrefix marks a session credential, so that a person who finds
// one in a log knows at once what it opens.
const credentialPrefix = "sq_s_"

// credentials mints and checks session credentials: an HMAC-SHA256 of the
// session id and the session's token generation, keyed by a secret derived
// from the server token. Any node with the server token can check one
// without a lookup; bumping the generation invalidates the old one.
type credentials struct{ secret []byte }

// newCredentials derives the signing secret from the server token; with no
// token there are no credentials.
func newCredentials(token string) *credentials {
	if token == "" {
		return nil
	}
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("sessionql session credential"))
	return &credentials{secret: m.Sum(nil)}
}

// mint returns the credential of generation gen of session id.
func (c *credentials) mint(id string, gen int) string {
	return credentialPrefix + strconv.Itoa(gen) + "_" + base64.RawURLEncoding.EncodeToString(c.mac(id, gen))
}

func (c *credentials) mac(id string, gen int) []byte {
	m := hmac.New(sha256.New, c.secret)
	m.Write([]byte("session\x00" + id + "\x00" + strconv.Itoa(gen)))
	return m.Sum(nil)
}

// verify reports whether given was minted for session id, and of which
// generation; ok is false for anything else, including another session's
// credential.
func (c *credentials) verify(given, id string) (gen int, ok bool) {
	rest, found := strings.CutPrefix(given, credentialPrefix)
	if !found {
		return 0, false
	}
	genText, sig, found := strings.Cut(rest, "_")
	gen, err := strconv.Atoi(genText)
	if !found || err != nil || gen < 0 || strconv.Itoa(gen) != genText {
		return 0, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return 0, false
	}
	return gen, hmac.Equal(raw, c.mac(id, gen))
}

// isCredential reports whether given looks like a session credential, so
// that a refusal can say what it opens.
func isCredential(given string) bool { return strings.HasPrefix(given, credentialPrefix) }
