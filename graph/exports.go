package graph

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"regexp"

	"github.com/99designs/gqlgen/graphql"
	"github.com/sessionql/sessionql"
)

// placeholder is ${name} in a string argument.
var placeholder = regexp.MustCompile(`\$\{([^}]+)\}`)

// export is the @export(as:) directive: it stores the field's scalar value
// for ${name} in the arguments of later fields.
func export(ctx context.Context, _ any, next graphql.Resolver, as string) (any, error) {
	v, err := next(ctx)
	if err != nil {
		return v, err
	}
	s, ok := scalarString(reflect.ValueOf(v))
	if !ok {
		return v, sessionql.Errorf(sessionql.CodeInvalidArgument, "@export(as: %q) stores scalars only; put it on a field such as value, status or url.", as)
	}
	if r := request(ctx); r != nil && s != nil {
		r.export(as, *s)
	}
	return v, nil
}

// scalarString is a scalar as text, nil for null; ok is false for objects
// and lists.
func scalarString(v reflect.Value) (*string, bool) {
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return nil, true
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Invalid:
		return nil, true
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
		s := fmt.Sprint(v.Interface())
		return &s, true
	}
	return nil, false
}

// substituteExports is a field middleware: it replaces ${name} in the
// field's string arguments with what earlier fields exported.
func substituteExports(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || len(fc.Args) == 0 {
		return next(ctx)
	}
	if vals := exported(ctx); len(vals) > 0 {
		for k, v := range fc.Args {
			fc.Args[k] = substituted(v, vals)
		}
	}
	return next(ctx)
}

// exported is a copy of the request's exports.
func exported(ctx context.Context) map[string]string {
	r := request(ctx)
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.Exports)
}

// substituted returns v with ${name} replaced in every string it holds,
// keeping its type; unknown names stay as they are.
func substituted(v any, vals map[string]string) any {
	if v == nil {
		return nil
	}
	return substitute(reflect.ValueOf(v), vals).Interface()
}

func substitute(v reflect.Value, vals map[string]string) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	switch v.Kind() {
	case reflect.String:
		out.SetString(placeholder.ReplaceAllStringFunc(v.String(), func(m string) string {
			if s, ok := vals[m[2:len(m)-1]]; ok {
				return s
			}
			return m
		}))
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return v
		}
		inner := substitute(v.Elem(), vals)
		if v.Kind() == reflect.Pointer {
			out = reflect.New(v.Type().Elem())
			out.Elem().Set(inner)
			return out
		}
		out.Set(inner)
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out = reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(substitute(v.Index(i), vals))
		}
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out = reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), substitute(it.Value(), vals))
		}
	case reflect.Struct:
		out.Set(v)
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(substitute(v.Field(i), vals))
			}
		}
	default:
		return v
	}
	return out
}
