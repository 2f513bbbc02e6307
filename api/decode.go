package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// decode reads a JSON body into v, refusing unknown fields, trailing data
// and wrong types with a message that names the field.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if isTooLarge(err) {
			return tooLarge()
		}
		if isTimeout(err) {
			return slowBody()
		}
		return invalid("The body must hold exactly one JSON object.")
	}
	return nil
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case isTooLarge(err):
		return tooLarge()
	case isTimeout(err):
		return slowBody()
	case errors.Is(err, io.EOF):
		return invalid("The body is empty; send a JSON object.")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return invalid("The body must be a JSON object, not %s.", typeErr.Value)
		}
		return invalid("%s must be %s, not %s.", typeErr.Field, kind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return invalid("The body is not valid JSON at byte %d: %v.", syntaxErr.Offset, err)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return invalid("Unknown field %s; check its spelling against the API.", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return invalid("The body could not be read: %v.", err)
}

func kind(k string) string {
	switch k {
	case "float64", "int", "int64":
		return "a number"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	case "slice":
		return "a list"
	case "map", "struct", "ptr":
		return "an object"
	}
	return "of another type"
}
