package model

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
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
		return fmt.Errorf("a number or a string is needed, not %T", v)
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
				return fmt.Errorf("a list of strings is needed; item %d is %T", i, e)
			}
			out[i] = str
		}
		*s = out
		return nil
	}
	return fmt.Errorf("a string or a list of strings is needed, not %T", v)
}

// MarshalGQL writes the value as a list of strings.
func (s StringOrArray) MarshalGQL(w io.Writer) {
	b, _ := json.Marshal([]string(s))
	w.Write(b)
}
