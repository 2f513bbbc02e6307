// Package rrweb holds the rrweb recorder's browser build and the script that
// starts it in a page's isolated world; see README.md.
package rrweb

import (
	_ "embed"
	"strconv"
	"sync"
)

//go:embed rrweb.umd.min.cjs
var bundle string

// World is the name of the isolated world the recorder runs in: the page's
// own scripts never see its globals.
const World = "sessionql-recorder"

// start runs rrweb in the top frame of a document, once, and keeps its
// events in a buffer that Drain empties. Password fields are masked
// (rrweb's default). Past maxEvents undrained events the recorder stops
// itself, so a page nobody drains cannot grow without bound.
const start = `
;(() => {
  if (globalThis.__sqrec || window.top !== window) return;
  const maxEvents = 100000;
  let buf = [], stopped = false, overflow = false, stop = null;
  const end = () => { stopped = true; if (stop) { try { stop(); } catch (e) {} stop = null; } };
  globalThis.__sqrec = {
    drain(max) {
      const out = [];
      let n = 0, i = 0;
      for (; i < buf.length && (n === 0 || n < max); i++) {
        const s = JSON.stringify(buf[i]);
        n += s.length;
        out.push(s);
      }
      buf = buf.slice(i);
      return '{"events":[' + out.join(",") + '],"more":' + (buf.length > 0) + ',"overflow":' + overflow + '}';
    },
    stop: end,
  };
  stop = rrweb.record({
    emit(e) {
      if (stopped) return;
      if (buf.length >= maxEvents) { overflow = true; end(); return; }
      buf.push(e);
    },
  });
})();
`

// Script is the recorder bundle followed by the code that starts it.
var Script = sync.OnceValue(func() string { return bundle + "\n" + start })

// Drain is the expression that takes up to max bytes of buffered events out
// of the world, as JSON {events, more, overflow}; null when the recorder
// does not run in the document.
func Drain(max int) string {
	return "globalThis.__sqrec ? globalThis.__sqrec.drain(" + strconv.Itoa(max) + ") : null"
}

// Stop is the expression that stops the recorder in a document.
const Stop = "globalThis.__sqrec && globalThis.__sqrec.stop()"
