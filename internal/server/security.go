package server

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
)

// validateSecurity checks PUBLIC_URL, CORS_ORIGINS and STATE_KEY, and
// decodes the last two.
func (c *Config) validateSecurity() error {
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("PUBLIC_URL must be an absolute http or https URL such as https://sessions.example.com, not %q", c.PublicURL)
		}
	}
	origins, err := parseOrigins(c.corsOrigins)
	if err != nil {
		return err
	}
	c.CORSOrigins = origins
	if c.stateKey != "" {
		key, err := parseStateKey(c.stateKey)
		if err != nil {
			return err
		}
		c.StateKey = key
	}
	return nil
}

// parseOrigins reads CORS_ORIGINS: scheme://host[:port] entries, comma
// separated.
func parseOrigins(list string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(list, ",") {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || u.Host == "" || u.Path != "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("CORS_ORIGINS entries must be origins such as https://app.example.com, not %q", o)
		}
		out = append(out, o)
	}
	return out, nil
}

// parseStateKey reads a 32-byte AES-256 key written in hex or base64.
func parseStateKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	decoders := []func(string) ([]byte, error){
		hex.DecodeString, base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString,
	}
	for _, decode := range decoders {
		if key, err := decode(s); err == nil && len(key) == 32 {
			return key, nil
		}
	}
	return nil, fmt.Errorf("STATE_KEY must be 32 random bytes written as 64 hex digits or base64 (make one with: openssl rand -base64 32)")
}
