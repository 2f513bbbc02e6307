package model

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/sessionql/sessionql"
)

// FloatOrString is Browserless's FloatOrString scalar: a number or a
// string, kept as a string (a number of a length is CSS pixels).
type FloatOrString string

// UnmarshalGQL reads a string or a number.
func (f *FloatOrString) UnmarshalGQL(v any) error {
	switch x := v.(type) {
	case string:
		*f = FloatOrString(x)
	case json.Number:
		*f = FloatOrString(x.String())
	case int:
		*f = FloatOrString(strconv.Itoa(x))
	case int64:
		*f = FloatOrString(strconv.FormatInt(x, 10))
	case float64:
		*f = FloatOrString(strconv.FormatFloat(x, 'f', -1, 64))
	default:
		return sessionql.Errorf(sessionql.CodeInvalidArgument, "A number or a string is needed, not %s.", kind(v))
	}
	return nil
}

// MarshalGQL writes the value as a string.
func (f FloatOrString) MarshalGQL(w io.Writer) {
	b, _ := json.Marshal(string(f))
	w.Write(b)
}

// StringOrArray is Browserless's StringOrArray scalar: one string or a list
// of strings; one string is a list of one.
type StringOrArray []string

// UnmarshalGQL reads a string or a list of strings.
func (s *StringOrArray) UnmarshalGQL(v any) error {
	switch x := v.(type) {
	case string:
		*s = StringOrArray{x}
		return nil
	case []any:
		out := make(StringOrArray, len(x))
		for i, e := range x {
			str, ok := e.(string)
			if !ok {
				return sessionql.Errorf(sessionql.CodeInvalidArgument, "A list of strings is needed; item %d is %s.", i, kind(e))
			}
			out[i] = str
		}
		*s = out
		return nil
	}
	return sessionql.Errorf(sessionql.CodeInvalidArgument, "A string or a list of strings is needed, not %s.", kind(v))
}

// kind names a JSON value's type in the user's words.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a Boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	}
	return "a number"
}

// MarshalGQL writes the value as a list of strings.
func (s StringOrArray) MarshalGQL(w io.Writer) {
	b, _ := json.Marshal([]string(s))
	w.Write(b)
}
