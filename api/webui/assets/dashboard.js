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
