package engine

// Settled is the main frame's web storage as Settle read it, once the
// request's last step was done and no navigation was in flight. A
// checkpoint right after the request takes it in place of a read of its
// own (SaveStateAfter): on a page still busy with what the steps did
// (rendering a click's effect), every call into it waits, and this saves
// one such call per request.
type Settled struct {
	page *Page
	main mainStorage
}

// settleAndRead lets a navigation the page has just scheduled be asked for
// (a task's round trip through the page), then reads the main frame's
// storage as readMainStorage does.
const settleAndRead = `function () {
	return new Promise((ok) => setTimeout(ok, 0)).then(() => (` + readMainStorage + `)());
}`

// TakeSettled returns what the last Settle read, once: nil when it read
// nothing or a navigation was in flight, and after it was taken.
func (p *Page) TakeSettled() *Settled { return p.settled.Swap(nil) }
