package server

import (
	"errors"
	"strings"
	"testing"
)

// TestLogRedactsCredentials writes credentials in every place a log line
// can carry them and reads none back.
func TestLogRedactsCredentials(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		var out strings.Builder
		log := newLogger(&out, Config{LogFormat: format, LogLevel: "info", Token: "server-tok"})
		log.Info("opened http://h/s?token=server-tok",
			"url", "http://h/sessions/x/bql?a=1&token=sq_s_abc.def&b=2",
			"err", errors.New(`GET "http://h/?TOKEN=xyz": Authorization: Bearer qqq`),
			"raw", "sq_s_Zz09-_")
		got := out.String()
		for _, secret := range []string{"server-tok", "sq_s_abc", "xyz", "qqq", "Zz09"} {
			if strings.Contains(got, secret) {
				t.Errorf("%s log holds %q: %s", format, secret, got)
			}
		}
		for _, kept := range []string{"a=1", "b=2", "token=REDACTED", "sq_s_REDACTED"} {
			if !strings.Contains(got, kept) {
				t.Errorf("%s log lost %q: %s", format, kept, got)
			}
		}
	}
}
