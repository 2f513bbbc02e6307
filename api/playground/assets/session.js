// sessionql's additions to GraphiQL: the session the page is bound to, and
// previews of screenshot and pdf results.
"use strict";
window.sessionql = (() => {
  const kinds = [["iVBOR", "image/png"], ["/9j/", "image/jpeg"], ["UklGR", "image/webp"], ["JVBER", "application/pdf"]];

  // collect finds base64 results (screenshot, pdf) anywhere in data.
  function collect(value, path, out) {
    if (!value || typeof value !== "object") return out;
    if (typeof value.base64 === "string") {
      const kind = kinds.find(([prefix]) => value.base64.startsWith(prefix));
      if (kind) out.push({ path: path.join("."), type: kind[1], base64: value.base64 });
    }
    for (const [k, v] of Object.entries(value)) if (k !== "base64") collect(v, path.concat(k), out);
    return out;
  }

  function show(found) {
    const list = document.getElementById("sq-list");
    if (!list) return;
    for (const old of list.querySelectorAll("[data-url]")) URL.revokeObjectURL(old.dataset.url);
    list.replaceChildren(...found.map((f) => {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: f.type }));
      const fig = document.createElement("figure");
      fig.className = "sq-preview"; fig.dataset.url = url; fig.style.margin = "0 0 14px";
      const cap = document.createElement("figcaption");
      const link = Object.assign(document.createElement("a"), { href: url, target: "_blank", textContent: "Open" });
      link.download = f.path + (f.type === "application/pdf" ? ".pdf" : "." + f.type.split("/")[1]);
      cap.append(f.path + " · " + f.type.split("/")[1].toUpperCase() + " · " + Math.round(bytes.length / 1024) + " KB", link);
      const view = f.type === "application/pdf"
        ? Object.assign(document.createElement("iframe"), { src: url, title: f.path })
        : Object.assign(document.createElement("img"), { src: url, alt: f.path });
      fig.append(cap, view);
      return fig;
    }));
    document.getElementById("sq-previews").hidden = found.length === 0;
  }

  // previewing wraps a GraphiQL fetcher so that its results are previewed.
  function previewing(fetcher) {
    return async (params, opts) => {
      const result = await fetcher(params, opts);
      if (result && typeof result === "object" && "data" in result) show(collect(result.data, [], []));
      return result;
    };
  }

  // watchSession keeps the bar's status and expiry current.
  function watchSession(endpoint) {
    const bar = document.getElementById("session");
    if (!bar) return;
    const url = new URL(endpoint, location.href);
    url.pathname = url.pathname.replace(/\/bql\/?$/, "");
    const status = document.getElementById("sq-status"), expires = document.getElementById("sq-expires");
    async function poll() {
      try {
        const res = await fetch(url, { headers: { Accept: "application/json" } });
        const s = await res.json();
        if (!res.ok) {
          status.className = "sq-pill ended"; status.textContent = "Ended";
          expires.textContent = (s.error && s.error.message) || res.statusText;
          return;
        }
        status.className = "sq-pill " + s.status; status.textContent = s.status === "live" ? "Live" : "Hibernated";
        expires.textContent = new Date(s.expiresAt).toLocaleString(); expires.title = s.expiresAt;
      } catch (e) { status.textContent = "Offline"; }
      setTimeout(poll, 3000);
    }
    poll();
  }

  return { previewing, watchSession };
})();
