package cdpmux

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// Message is a DevTools message with its payload left raw.
type Message struct {
	ID        int64           `json:"id,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     json.RawMessage `json:"error,omitempty"`
}

// appendMessage writes env as JSON without re-validating raw payloads,
// which may be megabytes of screenshot data.
func appendMessage(b []byte, env Message) []byte {
	b = append(b, '{')
	sep := func() {
		if len(b) > 1 {
			b = append(b, ',')
		}
	}
	if env.ID != 0 {
		b = append(b, `"id":`...)
		b = strconv.AppendInt(b, env.ID, 10)
	}
	for _, f := range []struct{ key, val string }{{"sessionId", env.SessionID}, {"method", env.Method}} {
		if f.val != "" {
			sep()
			b = appendString(append(b, `"`+f.key+`":`...), f.val)
		}
	}
	for _, f := range []struct {
		key string
		val json.RawMessage
	}{{"params", env.Params}, {"result", env.Result}, {"error", env.Error}} {
		if len(f.val) > 0 {
			sep()
			b = append(append(b, `"`+f.key+`":`...), f.val...)
		}
	}
	return append(b, '}')
}

// appendString writes s as a JSON string; names and ids are plain ASCII,
// anything else goes through the JSON encoder.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			raw, _ := json.Marshal(s)
			return append(b, raw...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

var errBadFrame = errors.New("the browser sent a message that is not a JSON object")

// decodeMessage reads a message from Chromium. The browser writes valid
// JSON, so instead of validating every byte, as json.Unmarshal does, it
// finds the top-level fields and keeps the payloads as slices of frame:
// a screenshot's megabytes are skipped over, never parsed or copied.
func decodeMessage(frame []byte) (Message, error) {
	var env Message
	d := scanner{b: frame}
	if !d.consume('{') {
		return env, errBadFrame
	}
	for !d.consume('}') {
		key, value, ok := d.field()
		if !ok {
			return env, errBadFrame
		}
		if err := env.set(key, value); err != nil {
			return env, err
		}
		d.consume(',')
	}
	return env, nil
}

// set stores one top-level field of a message.
func (env *Message) set(key, value []byte) error {
	switch string(key) {
	case "id":
		return json.Unmarshal(value, &env.ID)
	case "sessionId":
		return unquote(value, &env.SessionID)
	case "method":
		return unquote(value, &env.Method)
	case "params":
		env.Params = value
	case "result":
		env.Result = value
	case "error":
		env.Error = value
	}
	return nil
}

// unquote decodes a short JSON string, without the decoder when it has no
// escapes.
func unquote(value []byte, s *string) error {
	if len(value) >= 2 && value[0] == '"' && bytes.IndexByte(value, '\\') < 0 {
		*s = string(value[1 : len(value)-1])
		return nil
	}
	return json.Unmarshal(value, s)
}

// scanner walks the top level of a JSON object that is known to be valid.
type scanner struct {
	b []byte
	i int
}

func (d *scanner) space() {
	for d.i < len(d.b) && (d.b[d.i] == ' ' || d.b[d.i] == '\t' || d.b[d.i] == '\n' || d.b[d.i] == '\r') {
		d.i++
	}
}

// consume skips c, after white space, if it comes next.
func (d *scanner) consume(c byte) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// field reads `"key": value` and returns the key without its quotes and
// the value as it is.
func (d *scanner) field() (key, value []byte, ok bool) {
	d.space()
	k, ok := d.value()
	if !ok || len(k) < 2 || k[0] != '"' || !d.consume(':') {
		return nil, nil, false
	}
	d.space()
	v, ok := d.value()
	return k[1 : len(k)-1], v, ok
}

// value skips one value and returns it.
func (d *scanner) value() ([]byte, bool) {
	start, depth := d.i, 0
	for d.i < len(d.b) {
		switch c := d.b[d.i]; c {
		case '"':
			if !d.skipString() {
				return nil, false
			}
			if depth == 0 {
				return d.b[start:d.i], true
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return d.b[start:d.i], d.i > start
			}
			depth--
			if depth == 0 {
				d.i++
				return d.b[start:d.i], true
			}
		case ',':
			if depth == 0 {
				return d.b[start:d.i], d.i > start
			}
		}
		d.i++
	}
	return d.b[start:d.i], depth == 0 && d.i > start
}

// skipString moves past the string that starts at d.i, finding its closing
// quote with a vectorised search rather than byte by byte.
func (d *scanner) skipString() bool {
	i := d.i + 1
	for {
		q := bytes.IndexByte(d.b[i:], '"')
		if q < 0 {
			return false
		}
		i += q
		escapes := 0
		for j := i - 1; j > d.i && d.b[j] == '\\'; j-- {
			escapes++
		}
		i++
		if escapes%2 == 0 {
			d.i = i
			return true
		}
	}
}
