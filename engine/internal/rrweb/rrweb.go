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

// Binding is the name of the Runtime binding the engine adds, by context id,
// to the recorder's world of each document: the recorder pushes its events
// through it as it makes them, so a document left a moment after it loaded
// has its events out before it is gone. Bindings added by context id live
// in that world only; the page never sees it.
const Binding = "__sqrecPush"

// start runs rrweb in the top frame of a document, once. Its events are
// pushed through Binding at the end of the task that made them, numbered
// by a sequence per document ({"seq", "events", "overflow"}); until the
// engine has added the binding to the document they are buffered, and
// Drain takes them. Password fields are masked (rrweb's default). The full
// snapshot is taken at DOMContentLoaded, not rrweb's default of load: a
// page left before its load event still has its snapshot. Past maxEvents
// buffered events the recorder stops itself, so a page nobody drains
// cannot grow without bound.
const start = `
;(() => {
  if (globalThis.__sqrec || window.top !== window) return;
  const maxEvents = 100000, maxBatch = 1 << 20; // bytes of events per push; a larger event goes alone
  let buf = [], stopped = false, overflow = false, stop = null, seq = 0, queued = false;
  const end = () => { stopped = true; if (stop) { try { stop(); } catch (e) {} stop = null; } };
  const take = (max) => {
    const out = [];
    let n = 0, i = 0;
    for (; i < buf.length && (n === 0 || n < max); i++) {
      const s = JSON.stringify(buf[i]);
      n += s.length;
      out.push(s);
    }
    buf = buf.slice(i);
    return '"events":[' + out.join(",") + '],"overflow":' + overflow;
  };
  const push = () => {
    queued = false;
    const send = globalThis.` + Binding + `;
    if (typeof send !== "function") return false;
    while (buf.length > 0) send('{"seq":' + (++seq) + ',' + take(maxBatch) + '}');
    return true;
  };
  globalThis.__sqrec = {
    drain(max) {
      if (push()) return '{"pushed":' + seq + '}';
      const part = take(max);
      return '{' + part + ',"more":' + (buf.length > 0) + '}';
    },
    stop: end,
  };
  stop = rrweb.record({
    recordAfter: "DOMContentLoaded",
    emit(e) {
      if (stopped) return;
      if (buf.length >= maxEvents) { overflow = true; end(); return; }
      buf.push(e);
      if (!queued) { queued = true; queueMicrotask(push); }
    },
  });
})();
`

// Script is the recorder bundle followed by the code that starts it.
var Script = sync.OnceValue(func() string { return bundle + "\n" + start })

// Drain is the expression that empties the world's buffer: through the
// binding when the document has it, as JSON {pushed} (the sequence number of
// the last push), else up to max bytes of it as JSON {events, more,
// overflow}; null when the recorder does not run in the document.
func Drain(max int) string {
	return "globalThis.__sqrec ? globalThis.__sqrec.drain(" + strconv.Itoa(max) + ") : null"
}

// Stop is the expression that stops the recorder in a document.
const Stop = "globalThis.__sqrec && globalThis.__sqrec.stop()"
