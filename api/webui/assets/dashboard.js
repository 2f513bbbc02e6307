// The dashboard: lists sessions and the server's load, and acts on
// sessions through the REST API with the token kept in this tab's
// session storage (never in a URL).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const KEY = "sessionql.token";
  let status = "", query = "", timer = 0, armed = null;

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const token = sessionStorage.getItem(KEY);
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401) { showLogin(token ? "That token was not accepted." : ""); throw new Error("unauthorized"); }
    const data = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error((data && data.error && data.error.message) || res.statusText);
    return data;
  }

  function showLogin(message) {
    sessionStorage.removeItem(KEY);
    $("app").hidden = true; $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("token").focus();
  }

  $("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, $("token").value.trim());
    $("token").value = "";
    start();
  });
  $("logout").addEventListener("click", () => { sessionStorage.removeItem(KEY); location.reload(); });

  function start() {
    $("login").hidden = true; $("app").hidden = false;
    $("logout").hidden = !sessionStorage.getItem(KEY);
    refresh();
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const params = new URLSearchParams({ limit: "100" });
      if (status) params.set("status", status);
      if (query) params.set("q", query);
      const [list, pressure] = await Promise.all([api("GET", "/sessions?" + params), api("GET", "/pressure")]);
      render(list.sessions);
      stats(pressure);
      $("dot").className = "dot"; $("updated").textContent = "Updated " + new Date().toLocaleTimeString();
      $("q").setCustomValidity("");
    } catch (err) {
      if (err.message === "unauthorized") return;
      $("dot").className = "dot stale"; $("updated").textContent = err.message;
    }
    timer = setTimeout(refresh, 2000);
  }

  function stats(p) {
    $("st-live").replaceChildren(String(p.liveBrowsers), small(" / " + p.maxBrowsers));
    $("st-hib").textContent = p.hibernatedSessions;
    $("st-queue").replaceChildren(String(p.queued), small(" / " + p.maxQueue));
    const av = $("st-avail");
    av.replaceChildren(pill(p.isAvailable ? "Available" : "Full", p.isAvailable ? "live" : "warn"));
  }

  function small(text) { const s = document.createElement("small"); s.textContent = text; return s; }
  function pill(text, cls) { const s = document.createElement("span"); s.className = "pill " + cls; s.textContent = text; return s; }
  function el(tag, props, ...children) { const e = Object.assign(document.createElement(tag), props || {}); e.append(...children); return e; }

  function ago(iso) {
    const s = Math.round((Date.parse(iso) - Date.now()) / 1000), a = Math.abs(s);
    const text = a < 60 ? a + "s" : a < 3600 ? Math.round(a / 60) + "m" : a < 86400 ? Math.round(a / 3600) + "h" : Math.round(a / 86400) + "d";
    return s >= 0 ? "in " + text : text + " ago";
  }

  function render(list) {
    $("empty").hidden = list.length > 0;
    $("rows").replaceChildren(...list.map(row));
  }

  function row(s) {
    const meta = s.userMetadata ? JSON.stringify(s.userMetadata) : "";
    const tr = el("tr", { id: "s-" + s.id });
    tr.dataset.id = s.id; tr.dataset.expiresAt = s.expiresAt;
    tr.append(
      el("td", {}, el("div", { className: "mono", title: s.id }, s.id.slice(0, 12) + "…"), el("div", { className: "sub" }, (s.stealth ? "stealth · " : "") + s.browser + " · " + s.viewport.width + "×" + s.viewport.height)),
      el("td", {}, pill(s.status === "live" ? "Live" : "Hibernated", s.status)),
      el("td", { title: s.createdAt }, ago(s.createdAt)),
      el("td", { title: s.expiresAt, className: "expires" }, ago(s.expiresAt)),
      el("td", { className: "meta" }, meta ? el("code", { title: meta }, meta) : el("span", { className: "sub" }, "—")),
      el("td", {}, actions(s)),
    );
    return tr;
  }

  function button(text, cls, onclick, title) {
    const b = el("button", { className: "btn small " + (cls || ""), title: title || "" }, text);
    b.addEventListener("click", onclick);
    return b;
  }

  function actions(s) {
    const extend = el("select", { className: "extend", title: "Extend the session's life" },
      el("option", { value: "" }, "Extend…"), el("option", { value: "300000" }, "+5 min"),
      el("option", { value: "3600000" }, "+1 hour"), el("option", { value: "86400000" }, "+1 day"));
    extend.addEventListener("change", () => extendBy(s, Number(extend.value)));
    const stop = button("Stop", "danger stop", (e) => stopSession(s, e.currentTarget));
    return el("div", { className: "actions" },
      button("Live view", "primary live", () => openLive(s), "Watch and steer the session"),
      button("Events", "events", () => openEvents(s), "What happened in the session, live"),
      button("Playground", "playground", () => window.open(s.browserQL, "_blank", "noopener"), "BrowserQL playground"),
      s.replay ? button("Replay", "replay", () => window.open(s.replay, "_blank", "noopener"), "Play back the session's recording") : "",
      button("Copy connect", "", () => copy(s.connect, "Connect URL copied"), "CDP WebSocket URL for Puppeteer or Playwright"),
      button("Copy BrowserQL", "", () => copy(s.browserQL, "BrowserQL URL copied")),
      el("span", { className: "menu" }, extend), stop);
  }

  async function openLive(s) {
    const w = window.open("about:blank", "_blank");
    try {
      const live = await api("POST", "/sessions/" + encodeURIComponent(s.id) + "/live-url", { timeout: 3600000 });
      if (w) { w.opener = null; w.location = live.url; } else location.href = live.url;
    } catch (err) { if (w) w.close(); toast(err.message); }
  }

  async function extendBy(s, ms) {
    if (!ms) return;
    const left = Math.max(Date.parse(s.expiresAt) - Date.now(), 0);
    try {
      await api("PATCH", "/sessions/" + encodeURIComponent(s.id), { ttl: Math.round(left + ms) });
      toast("Extended"); refresh();
    } catch (err) { toast(err.message); }
  }

  async function stopSession(s, btn) {
    if (armed !== btn) {
      armed = btn; btn.classList.add("armed"); btn.textContent = "Confirm stop";
      setTimeout(() => { if (armed === btn) { armed = null; btn.classList.remove("armed"); btn.textContent = "Stop"; } }, 4000);
      return;
    }
    armed = null; btn.disabled = true;
    try { await api("DELETE", "/sessions/" + encodeURIComponent(s.id)); toast("Session stopped"); refresh(); }
    catch (err) { btn.disabled = false; toast(err.message); }
  }

  async function copy(text, done) {
    try { await navigator.clipboard.writeText(text); }
    catch {
      const t = el("textarea", { value: text }); document.body.append(t); t.select();
      document.execCommand("copy"); t.remove();
    }
    toast(done);
  }

  // A session's events as a timeline: the kept ones from /logs, then each
  // new one from /events, read with fetch since an EventSource cannot send
  // the token. Reconnects resume after the last event shown.
  let watching = null;
  const MAX_SHOWN = 2000;
  const enc = encodeURIComponent;

  async function openEvents(s) {
    closeEvents();
    const w = { id: s.id, ctl: new AbortController(), last: 0, ended: false };
    watching = w;
    $("events").hidden = false; $("ev-session").textContent = s.id;
    $("timeline").replaceChildren(); $("ev-note").hidden = true; $("ev-empty").hidden = false;
    state("Loading", "");
    $("events").scrollIntoView({ block: "nearest" });
    try {
      for (let cursor = ""; ;) {
        const page = await api("GET", "/sessions/" + enc(s.id) + "/logs?limit=1000" + cursor);
        if (watching !== w) return;
        $("ev-note").hidden = !page.truncated;
        page.events.forEach((e) => add(w, e, false));
        if (!page.next) break;
        cursor = "&cursor=" + enc(page.next);
      }
      follow(w);
    } catch (err) { if (watching === w) state(err.message, "off"); }
  }

  function closeEvents() {
    if (watching) watching.ctl.abort();
    watching = null;
    $("events").hidden = true;
  }

  function state(text, cls) { const p = $("ev-state"); p.className = "pill " + cls; p.textContent = text; }

  async function follow(w) {
    while (watching === w && !w.ended) {
      state("Live", "live");
      try {
        const headers = { Accept: "text/event-stream" };
        const token = sessionStorage.getItem(KEY);
        if (token) headers.Authorization = "Bearer " + token;
        if (w.last) headers["Last-Event-ID"] = String(w.last);
        const res = await fetch("/sessions/" + enc(w.id) + "/events", { headers, signal: w.ctl.signal });
        if (!res.ok) throw new Error(res.statusText);
        await readSSE(res.body, (data) => add(w, JSON.parse(data), true));
      } catch (err) {
        if (watching !== w || err.name === "AbortError") return;
      }
      if (w.ended) break;
      state("Reconnecting", "warn");
      await new Promise((r) => setTimeout(r, 2000));
    }
    if (watching === w) state("Ended", "");
  }

  // readSSE calls onData with each message's data until the stream ends.
  async function readSSE(body, onData) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "", data = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      for (let i; (i = buf.indexOf("\n")) >= 0;) {
        const line = buf.slice(0, i).replace(/\r$/, "");
        buf = buf.slice(i + 1);
        if (line === "") { if (data.length) onData(data.join("\n")); data = []; }
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
    }
  }

  function add(w, e, fresh) {
    if (watching !== w || e.id <= w.last) return;
    w.last = e.id;
    if (e.type === "stopped" || e.type === "expired") w.ended = true;
    const what = describe(e);
    const li = el("li", { className: kind(e.type) + (fresh ? " fresh" : "") },
      el("time", { dateTime: e.time, title: e.time }, clock(e.time)),
      el("span", { className: "type" }, e.type),
      el("span", { className: "what", title: what }, what));
    li.dataset.id = e.id; li.dataset.type = e.type;
    const list = $("timeline");
    const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.append(li);
    while (list.children.length > MAX_SHOWN) list.firstChild.remove();
    if (atEnd) list.scrollTop = list.scrollHeight;
    $("ev-empty").hidden = true;
  }

  function kind(type) {
    if (type === "bql_request") return "bql";
    if (type.startsWith("client_")) return "client";
    if (type === "page_error" || type === "request_failed" || type === "browser_crashed") return "error";
    if (type === "console") return "console";
    if (type === "response") return "network";
    if (type === "navigated" || type === "dialog" || type === "download") return "page";
    return "lifecycle";
  }

  function clock(iso) {
    const d = new Date(iso);
    return d.toLocaleTimeString([], { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
  }

  function dur(ms) {
    const s = Math.round(ms / 1000);
    return s < 120 ? s + " s" : s < 7200 ? Math.round(s / 60) + " min" : s < 172800 ? Math.round(s / 3600) + " h" : Math.round(s / 86400) + " d";
  }

  function size(n) { return n < 1024 ? n + " B" : n < 1048576 ? (n / 1024).toFixed(1) + " KiB" : (n / 1048576).toFixed(1) + " MiB"; }

  function describe(e) {
    const d = e.data || {};
    switch (e.type) {
      case "created": return "TTL " + dur(d.ttl) + (d.stealth ? " · stealth" : "") + (d.network ? " · network logs" : "");
      case "woken": return "browser up in " + d.ms + " ms";
      case "hibernated": case "stopped": case "expired": return d.reason || "";
      case "ttl_changed": return "TTL " + dur(d.ttl);
      case "client_connected": case "client_disconnected": return "CDP client " + (d.remote || "");
      case "bql_request": return (d.operation || "anonymous") + " { " + (d.fields || []).join(", ") + " } · " + d.ms + " ms" + (d.errors && d.errors.length ? " · " + d.errors.join(", ") : "");
      case "navigated": return (d.status ? d.status + " " : "") + d.url;
      case "console": case "page_error": return "[" + d.level + "] " + d.text + (d.url ? " — " + d.url + (d.line ? ":" + d.line : "") : "");
      case "response": return d.status + " " + d.method + " " + d.url + " · " + size(d.bytes) + " · " + d.ms + " ms";
      case "request_failed": return d.method + " " + d.url + ": " + (d.blocked || d.error);
      case "dialog": return d.type + " dialog on " + d.url;
      case "download": return d.filename + " from " + d.url;
      default: return e.data ? JSON.stringify(d) : "";
    }
  }

  $("ev-close").addEventListener("click", closeEvents);
  $("ev-network").checked = true;
  $("ev-network").addEventListener("change", () => $("timeline").classList.toggle("no-network", !$("ev-network").checked));

  let toastTimer = 0;
  function toast(text) {
    let t = document.querySelector(".toast");
    if (!t) { t = el("div", { className: "toast" }); document.body.append(t); }
    t.textContent = text; t.classList.add("show");
    clearTimeout(toastTimer); toastTimer = setTimeout(() => t.classList.remove("show"), 2200);
  }

  $("status").addEventListener("click", (e) => {
    const b = e.target.closest("button"); if (!b) return;
    status = b.dataset.status;
    for (const x of $("status").children) x.classList.toggle("on", x === b);
    refresh();
  });
  let qTimer = 0;
  $("q").addEventListener("input", () => { clearTimeout(qTimer); qTimer = setTimeout(() => { query = $("q").value.trim(); refresh(); }, 300); });

  start();
})();
