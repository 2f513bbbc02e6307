package server

import (
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
)

// newLogger writes text or JSON lines at the configured level, with every
// credential redacted (see redactor).
func newLogger(w io.Writer, cfg Config) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel)) // checked by validate
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: redactor(cfg.Token)}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// credentials matches what opens sessions wherever a log value holds it: a
// ?token= or &token= value, a bearer token, a session credential.
var credentials = regexp.MustCompile(`(?i)(token=|bearer\s+)[^&\s"']+|sq_s_[A-Za-z0-9_\-]+`)

// redactor returns a slog ReplaceAttr that blanks credentials, and the
// server token itself, in every string and error a log line carries.
func redactor(token string) func([]string, slog.Attr) slog.Attr {
	redact := func(s string) string {
		if token != "" {
			s = strings.ReplaceAll(s, token, "REDACTED")
		}
		return credentials.ReplaceAllStringFunc(s, func(m string) string {
			if strings.HasPrefix(m, "sq_s_") {
				return "sq_s_REDACTED"
			}
			prefix := credentials.FindStringSubmatch(m)[1]
			return prefix + "REDACTED"
		})
	}
	return func(_ []string, a slog.Attr) slog.Attr {
		switch a.Value.Kind() {
		case slog.KindString:
			return slog.String(a.Key, redact(a.Value.String()))
		case slog.KindAny:
			switch v := a.Value.Any().(type) {
			case error:
				return slog.String(a.Key, redact(v.Error()))
			case fmt.Stringer:
				return slog.String(a.Key, redact(v.String()))
			}
		}
		return a
	}
}
