package graph

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func TestReadOnly(t *testing.T) {
	for q, want := range map[string]bool{
		`mutation { text { text } title { title } a: html { html } }`:  true,
		`mutation { querySelector(selector: "a") { id } url { url } }`: true,
		`mutation { text { text } evaluate(content: "1") { value } }`:  false,
		`mutation { goto(url: "x") { status } }`:                       false,
		`mutation { screenshot { base64 } }`:                           false,
		`mutation { waitForTimeout(time: 1) { time } text { text } }`:  false,
		`mutation { ... on Mutation { text { text } } }`:               false,
		`mutation { cookies { cookies { name } } }`:                    false,
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatal(err)
		}
		if got := readOnly(doc.Operations[0].SelectionSet); got != want {
			t.Errorf("%s: read-only %v, want %v", q, got, want)
		}
	}
}
