// The live view: draws the session's screencast frames on a canvas and,
// while this viewer steers, sends its mouse, keyboard and size to the tab.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const stage = $("stage"), canvas = $("screen"), ctx = canvas.getContext("2d");
  const tabs = $("tabs"), steerBtn = $("steer"), mode = $("mode"), fps = $("fps");
  const stats = (window.__live = { frames: 0, seq: 0, width: 0, height: 0, state: "connecting" });
  let ws = null, hello = null, steering = false, ended = false, page = { width: 0, height: 0 };
  let drawing = Promise.resolve(), retry = 0, recent = [];

  function overlay(title, text, busy) {
    $("overlay").hidden = !title;
    $("ov-title").textContent = title || "";
    $("ov-text").textContent = text || "";
    $("spin").hidden = !busy;
  }

  function send(msg) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(scheme + "//" + location.host + location.pathname.replace(/\/$/, "") + "/ws" + location.search);
    ws.onmessage = (e) => receive(JSON.parse(e.data));
    ws.onclose = (e) => {
      stats.state = ended ? "ended" : "closed";
      if (ended) return;
      if (e.code === 1008 || e.code === 4001) return overlay("Disconnected", e.reason || "The server closed the view.");
      retry = Math.min(retry + 1, 5);
      overlay("Reconnecting…", e.reason || "The connection was lost.", true);
      setTimeout(connect, 500 * retry);
    };
  }

  function receive(m) {
    switch (m.type) {
      case "hello":
        hello = m; retry = 0; stats.state = "open";
        setSteering(m.steering);
        showTabs(m.tabs, m.tab);
        overlay("Waiting for the page…", "The first frame arrives when the page paints.", true);
        break;
      case "frame": draw(m); break;
      case "tabs": showTabs(m.tabs, m.tab); break;
      case "steer": setSteering(m.steering); break;
      case "error": toast(m.message); break;
      case "ended":
        if (m.reason === "restart") return overlay("Restarting…", m.message, true);
        if (m.reason === "gone") return;
        ended = true; stats.state = "ended";
        overlay(m.reason === "expired" ? "Link expired" : "Session ended", m.message);
        mode.className = "pill off"; mode.textContent = "Ended";
        break;
    }
  }

  function draw(m) {
    const img = new Image();
    img.src = "data:image/" + m.format + ";base64," + m.data;
    drawing = drawing.then(() => img.decode()).then(() => {
      if (canvas.width !== img.naturalWidth || canvas.height !== img.naturalHeight) {
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
      }
      ctx.drawImage(img, 0, 0);
      page = { width: m.width, height: m.height };
      canvas.dataset.pageWidth = m.width; canvas.dataset.pageHeight = m.height;
      stats.frames++; stats.seq = m.seq; stats.width = m.width; stats.height = m.height;
      tick();
      if (!ended && $("overlay").hidden === false && stats.state === "open") overlay("");
    }).catch(() => {}).then(() => send({ type: "ack", seq: m.seq }));
  }

  function tick() {
    const now = performance.now();
    recent.push(now);
    while (recent.length && now - recent[0] > 1000) recent.shift();
    fps.textContent = recent.length + " fps";
  }

  function showTabs(list, current) {
    tabs.replaceChildren(...list.map((t, i) => {
      const o = document.createElement("option");
      o.value = t.id; o.selected = t.id === current;
      o.textContent = (t.title || t.url || "Tab " + (i + 1)).slice(0, 60);
      return o;
    }));
    tabs.hidden = list.length < 2;
  }

  function setSteering(on) {
    steering = on;
    const interactive = hello && hello.interactive;
    stage.classList.toggle("interactive", !!(interactive && on));
    steerBtn.hidden = !interactive || on;
    mode.className = "pill " + (interactive ? (on ? "live" : "warn") : "hibernated");
    mode.textContent = interactive ? (on ? "Interactive" : "Watching") : "View only";
    if (on) resize();
  }

  // point maps a mouse event on the scaled image to the page's CSS pixels.
  function point(e) {
    const r = canvas.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * (page.width || canvas.width);
    const y = ((e.clientY - r.top) / r.height) * (page.height || canvas.height);
    return { x: Math.round(x * 100) / 100, y: Math.round(y * 100) / 100 };
  }

  function modifiers(e) {
    return (e.altKey ? 1 : 0) | (e.ctrlKey ? 2 : 0) | (e.metaKey ? 4 : 0) | (e.shiftKey ? 8 : 0);
  }

  const buttons = ["left", "middle", "right", "back", "forward"];
  function mouse(type, e, extra) {
    if (!steering) return;
    send({ type: "mouse", mouse: Object.assign({ type, button: "none", buttons: e.buttons, modifiers: modifiers(e) }, point(e), extra) });
  }

  let moved = null;
  canvas.addEventListener("mousemove", (e) => {
    if (!moved) requestAnimationFrame(() => { mouse("mouseMoved", moved); moved = null; });
    moved = e;
  });
  canvas.addEventListener("mousedown", (e) => {
    stage.focus();
    mouse("mousePressed", e, { button: buttons[e.button] || "left", clickCount: e.detail || 1 });
    e.preventDefault();
  });
  canvas.addEventListener("mouseup", (e) => mouse("mouseReleased", e, { button: buttons[e.button] || "left", clickCount: e.detail || 1 }));
  canvas.addEventListener("contextmenu", (e) => e.preventDefault());
  canvas.addEventListener("wheel", (e) => {
    if (!steering) return;
    e.preventDefault();
    const k = e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? 800 : 1;
    mouse("mouseWheel", e, { deltaX: e.deltaX * k, deltaY: e.deltaY * k });
  }, { passive: false });

  function key(type, e) {
    if (!steering) return;
    const printable = e.key.length === 1 && !e.ctrlKey && !e.metaKey;
    const text = type === "keyUp" ? "" : printable ? e.key : e.key === "Enter" ? "\r" : "";
    send({ type: "key", key: { type: type === "keyUp" ? "keyUp" : text ? "keyDown" : "rawKeyDown", key: e.key, code: e.code, text, windowsVirtualKeyCode: e.keyCode, modifiers: modifiers(e), location: e.location } });
    e.preventDefault();
  }
  stage.addEventListener("keydown", (e) => key("keyDown", e));
  stage.addEventListener("keyup", (e) => key("keyUp", e));

  let resizeTimer = 0;
  function resize() {
    if (!steering || !hello || !hello.resizable) return;
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => send({ type: "resize", width: Math.floor(stage.clientWidth), height: Math.floor(stage.clientHeight) }), 250);
  }
  new ResizeObserver(resize).observe(stage);

  tabs.addEventListener("change", () => send({ type: "tab", tab: tabs.value }));
  steerBtn.addEventListener("click", () => send({ type: "steer" }));
  $("full").addEventListener("click", () => (document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen()).catch(() => {}));

  let toastTimer = 0;
  function toast(text) {
    let t = document.querySelector(".toast");
    if (!t) { t = document.createElement("div"); t.className = "toast"; document.body.append(t); }
    t.textContent = text; t.classList.add("show");
    clearTimeout(toastTimer); toastTimer = setTimeout(() => t.classList.remove("show"), 2500);
  }

  connect();
})();
