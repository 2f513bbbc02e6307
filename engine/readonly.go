package engine

// MarkReadOnly says that the request now ending ran only steps that read
// the page without making it run any code of its own (see
// graph.readOnlyFields): the request changed no cookie and no storage, so
// the session need not save them before answering. TakeReadOnly reads and
// clears the mark.
func (p *Page) MarkReadOnly() { p.onlyRead.Store(true) }

// TakeReadOnly reports whether MarkReadOnly was called since the last
// TakeReadOnly.
func (p *Page) TakeReadOnly() bool { return p.onlyRead.Swap(false) }
