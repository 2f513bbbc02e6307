package engine

import (
	"context"
	"encoding/json"
	"time"
)

// CleanOptions say how html and text tidy what they return, as
// Browserless's CleanInput does. The page itself is never changed: the
// cleaning works on a copy.
type CleanOptions struct {
	RemoveNonTextNodes bool     `json:"removeNonTextNodes"` // drop elements that hold no text
	RemoveAttributes   bool     `json:"removeAttributes"`   // drop attributes
	RemoveRegex        bool     `json:"removeRegex"`        // replace each regex's matches with one space
	Selectors          []string `json:"selectors"`          // the elements to drop instead of the default list
	Attributes         []string `json:"attributes"`         // the attributes to drop (or keep, with Allow)
	Allow              bool     `json:"allow"`              // Attributes lists what to keep
	Regexes            []string `json:"regexes"`            // JavaScript regexes instead of the default list
}

// ReadOptions say how html and text read an element.
type ReadOptions struct {
	Visible bool          // wait until the element is visible
	Clean   *CleanOptions // nil: as it is
}

// cleanJS is a function of a node, the options and whether to read its
// text; it returns the cleaned HTML (or text) of a copy of the node.
const cleanJS = `(node, o, text) => {
  const tidy = (s) => {
    if (!o || !o.removeRegex) return s;
    const res = o.regexes && o.regexes.length ? o.regexes : ['<!--[\\s\\S]*?-->', '\\n', '\\r', '\\t', ' +'];
    for (const r of res) s = s.replace(new RegExp(r, 'g'), ' ');
    return s;
  };
  if (text) return tidy(node.innerText ?? node.textContent ?? '');
  if (!o) return node.outerHTML;
  const c = node.cloneNode(true);
  if (o.removeNonTextNodes) {
    const sel = o.selectors && o.selectors.length ? o.selectors.join(',') :
      'script,style,link,meta,noscript,svg,canvas,video,audio,iframe,frame,object,embed,img,picture,source,track,template,map';
    for (const el of c.querySelectorAll(sel)) el.remove();
  }
  if (o.removeAttributes) {
    const list = (o.attributes || []).filter(Boolean).map((a) => a.toLowerCase());
    for (const el of [c, ...c.querySelectorAll('*')])
      for (const a of [...el.attributes]) {
        const listed = list.includes(a.name);
        if (!list.length || (o.allow ? !listed : listed)) el.removeAttribute(a.name);
      }
  }
  return tidy(c.outerHTML);
}`

// pageReadScript reads the whole document's HTML (with its doctype) or
// text, cleaned as the options say.
const pageReadScript = `function(o, text) {
  const clean = ` + cleanJS + `;
  if (text) return clean(document.body ?? document.documentElement, o, true);
  const d = document.doctype;
  return (d ? new XMLSerializer().serializeToString(d) : '') + (document.documentElement ? clean(document.documentElement, o, false) : '');
}`

// ReadHTML is the outer HTML of the element, waited for as o says, or of
// the document when selector is empty; cleaned when o.Clean is set.
func (p *Page) ReadHTML(req context.Context, selector string, o ReadOptions, timeout time.Duration) (string, error) {
	return p.read(req, selector, o, false, timeout, "reading the HTML of ")
}

// ReadText is the visible text of the element, waited for as o says, or of
// the page when selector is empty; tidied when o.Clean is set.
func (p *Page) ReadText(req context.Context, selector string, o ReadOptions, timeout time.Duration) (string, error) {
	return p.read(req, selector, o, true, timeout, "reading the text of ")
}

func (p *Page) read(req context.Context, selector string, o ReadOptions, text bool, timeout time.Duration, what string) (string, error) {
	if selector == "" {
		return p.pageString(req, pageReadScript, timeout, what+"the page", o.Clean, text)
	}
	opts, _ := json.Marshal(o.Clean)
	textArg, _ := json.Marshal(text)
	script := locateThen(`(el) => (` + cleanJS + `)(el, ` + string(opts) + `, ` + string(textArg) + `)`)
	var s string
	err := p.onElementWith(req, selector, LocateOptions{Wait: true, Visible: o.Visible}, script, timeout, what+selector, func(_ context.Context, el *element) error {
		return json.Unmarshal(el.value, &s)
	})
	return s, err
}

// Attribute is the value of an attribute of the element, waited for; nil
// when the element has no such attribute.
func (p *Page) Attribute(req context.Context, selector, name string, visible bool, timeout time.Duration) (*string, error) {
	quoted, _ := json.Marshal(name)
	script := locateThen(`(el) => el.getAttribute(` + string(quoted) + `)`)
	var s *string
	err := p.onElementWith(req, selector, LocateOptions{Wait: true, Visible: visible}, script, timeout, "reading an attribute of "+selector, func(_ context.Context, el *element) error {
		return json.Unmarshal(el.value, &s)
	})
	return s, err
}
