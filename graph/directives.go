package graph

// directives returns the implementations of the schema's directives.
func directives() DirectiveRoot { return DirectiveRoot{Export: export} }
