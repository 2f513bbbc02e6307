package model

// MapSelectorResponse is one element of a mapSelector. The whole tree is
// collected by one script before it is marshalled, so the attributes and
// nested lists the query asks for are already here.
type MapSelectorResponse struct {
	ID        *string `json:"id,omitempty"`
	Class     *string `json:"class,omitempty"`
	InnerText *string `json:"innerText,omitempty"`
	InnerHTML *string `json:"innerHTML,omitempty"`
	OuterHTML *string `json:"outerHTML,omitempty"`

	Attributes map[string]*string               `json:"-"` // by attribute name
	Children   map[string][]MapSelectorResponse `json:"-"` // by nested selector
}

// Attribute returns the element's attribute of that name.
func (m MapSelectorResponse) Attribute(name string) Attribute {
	return Attribute{Name: name, Value: m.Attributes[name]}
}

// MapSelector returns the elements within this one that the nested selector
// matched.
func (m MapSelectorResponse) MapSelector(selector string) []MapSelectorResponse {
	if list := m.Children[selector]; list != nil {
		return list
	}
	return []MapSelectorResponse{}
}
