package api

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessionql/sessionql"
	"github.com/sessionql/sessionql/sessions"
)

// FuzzCreateRequest feeds arbitrary bodies to the create decoder and
// validation. Whatever comes in, the answer is a session's options within
// the limits, or an invalid_request or payload_too_large error; never a
// panic. The seeds run with every go test.
func FuzzCreateRequest(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"ttl": 300000, "stealth": true}`, `{"args": ["--lang=de"], "viewport": {"width": 800, "height": 600}}`,
		`{"proxy": {"server": "http://p:8080", "bypass": ["*.local"]}, "userMetadata": {"a": {"b": "c"}}}`,
		`{"timezone": "Europe/Berlin", "locale": "de-DE", "startUrl": "https://example.com/"}`,
		`{"args": ["--remote-debugging-port=1"]}`, `{"ttl": -1}`, `{"ttl": 1e400}`, `{"ttl": 1e-300}`, `{`, `[]`, `null`, `{"a":1}`,
		`{"userMetadata": {"x": "` + strings.Repeat("y", 600) + `"}}`, "{\"ttl\xff\": 1}", `{"viewport": {"width": 1e9, "height": -1}}`,
	} {
		f.Add(seed)
	}
	cfg := Config{MaxTTL: 90 * 24 * time.Hour}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/session", strings.NewReader(body))
		var req createRequest
		err := decode(r, &req)
		if err == nil {
			var opts sessions.Options
			var ttl time.Duration
			if opts, ttl, err = req.options(cfg); err == nil {
				checkAccepted(t, body, &req, opts, ttl, cfg)
				return
			}
		}
		if code := sessionql.ErrorCode(err); code != sessionql.CodeInvalidRequest && code != sessionql.CodePayloadTooLarge {
			t.Fatalf("%q: error %v has code %s", body, err, code)
		}
	})
}

// checkAccepted holds an accepted request to the SPEC's limits.
func checkAccepted(t *testing.T, body string, req *createRequest, o sessions.Options, ttl time.Duration, cfg Config) {
	if ttl <= 0 || ttl > cfg.MaxTTL {
		t.Fatalf("%q: accepted ttl %v", body, ttl)
	}
	if m := metadata(req.UserMetadata); m != nil {
		var v map[string]any
		if json.Unmarshal(m, &v) != nil {
			t.Fatalf("%q: accepted metadata that is not an object: %s", body, m)
		}
		if compact, _ := json.Marshal(v); len(compact) > maxMetadata {
			t.Fatalf("%q: accepted metadata of %d characters", body, len(compact))
		}
	}
	for _, a := range o.Args {
		for _, refused := range refusedFlags {
			if strings.HasPrefix(strings.ToLower(a), refused) {
				t.Fatalf("%q: accepted the refused flag %s", body, a)
			}
		}
	}
	if v := o.Viewport; v.Width < 100 || v.Height < 100 {
		t.Fatalf("%q: accepted viewport %+v", body, v)
	}
}
