package engine

// Settled is the main frame's web storage as Settle read it, once the
// request's last step was done and no navigation was in flight. A
// checkpoint right after the request takes it in place of a read of its
// own (SaveStateAfter), which saves a round trip through the page.
type Settled struct {
	page *Page
	main mainStorage
}

// TakeSettled returns what the last Settle read, once: nil when it read
// nothing or a navigation was in flight, and after it was taken.
func (p *Page) TakeSettled() *Settled { return p.settled.Swap(nil) }
