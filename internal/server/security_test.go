package server

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestSecurityConfig checks that PUBLIC_URL, CORS_ORIGINS and STATE_KEY
// are read as documented and that a bad value stops the start with a
// message that says what to give.
func TestSecurityConfig(t *testing.T) {
	hexKey := strings.Repeat("ab", 32)
	for _, c := range []struct {
		name string
		env  map[string]string
		want string // part of the error; empty: accepted
	}{
		{"hex key", map[string]string{"STATE_KEY": hexKey}, ""},
		{"base64 key", map[string]string{"STATE_KEY": "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="}, ""},
		{"short key", map[string]string{"STATE_KEY": "q6urq6urq6urq6urq6urq6ur"}, "STATE_KEY must be 32 random bytes"},
		{"long hex key", map[string]string{"STATE_KEY": hexKey + "ab"}, "STATE_KEY must be 32 random bytes"},
		{"passphrase", map[string]string{"STATE_KEY": "correct horse battery staple"}, "openssl rand -base64 32"},
		{"origins", map[string]string{"CORS_ORIGINS": "https://app.example.com, http://localhost:5173/"}, ""},
		{"origin with a path", map[string]string{"CORS_ORIGINS": "https://app.example.com/x"}, "CORS_ORIGINS entries must be origins"},
		{"origin without scheme", map[string]string{"CORS_ORIGINS": "app.example.com"}, "CORS_ORIGINS entries must be origins"},
		{"public url", map[string]string{"PUBLIC_URL": "https://sq.example.com"}, ""},
		{"public url without scheme", map[string]string{"PUBLIC_URL": "sq.example.com:3000"}, "PUBLIC_URL must be an absolute http or https URL"},
		{"body timeout", map[string]string{"BODY_TIMEOUT": "0s"}, "durations positive"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("CHROME_PATH", "/usr/bin/true")
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			cfg, err := Parse(t.Context(), nil, io.Discard)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("error %v; want one saying %q", err, c.want)
			}
			if c.name == "hex key" && !bytes.Equal(cfg.StateKey, bytes.Repeat([]byte{0xab}, 32)) {
				t.Errorf("key %x", cfg.StateKey)
			}
			if c.name == "origins" && strings.Join(cfg.CORSOrigins, " ") != "https://app.example.com http://localhost:5173" {
				t.Errorf("origins %q", cfg.CORSOrigins)
			}
		})
	}
}
