// The replay page: reads the session's recording page by page with the
// credential in this page's own URL, and plays one tab of it back with
// rrweb-player.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const id = document.body.dataset.session;
  const stats = (window.__replay = { state: "loading", events: 0, tabs: 0, truncated: false, finished: false });
  let player = null;

  function overlay(title, text, busy) {
    $("overlay").hidden = !title;
    $("ov-title").textContent = title || "";
    $("ov-text").textContent = text || "";
    $("spin").hidden = !busy;
  }

  async function load() {
    const token = new URLSearchParams(location.search).get("token");
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    const byTab = new Map();
    let cursor = "";
    for (;;) {
      const res = await fetch("/sessions/" + encodeURIComponent(id) + "/recording?limit=5000" + (cursor ? "&cursor=" + cursor : ""), { headers });
      const data = await res.json();
      if (!res.ok) throw new Error((data && data.error && data.error.message) || res.statusText);
      for (const e of data.events) {
        if (!byTab.has(e.tab)) byTab.set(e.tab, []);
        byTab.get(e.tab).push(e.event);
      }
      stats.truncated = data.truncated;
      if (!data.next) break;
      cursor = data.next;
    }
    return byTab;
  }

  // play plays one tab's events; rrweb needs a full snapshot to start from.
  function play(events) {
    if (player) { player.pause(); player.$destroy(); $("player").replaceChildren(); }
    stats.finished = false;
    const stage = $("stage").getBoundingClientRect();
    player = new rrwebPlayer.Player({
      target: $("player"),
      props: { events, width: Math.max(stage.width - 40, 320), height: Math.max(stage.height - 120, 240), autoPlay: true, showController: true },
    });
    player.addEventListener("finish", () => { stats.finished = true; stats.state = "finished"; $("mode").textContent = "Finished"; });
    stats.state = "playing";
    $("mode").textContent = "Playing";
  }

  load().then((byTab) => {
    const tabs = [...byTab.entries()].filter(([, evs]) => evs.some((e) => e.type === 2));
    stats.tabs = tabs.length;
    stats.events = tabs.reduce((n, [, evs]) => n + evs.length, 0);
    if (tabs.length === 0) {
      stats.state = "empty";
      $("mode").textContent = "Empty";
      return overlay("Nothing to replay", "The recording holds no page snapshot yet.");
    }
    tabs.sort((a, b) => b[1].length - a[1].length);
    $("tabs").replaceChildren(...tabs.map(([tab, evs], i) => Object.assign(document.createElement("option"), { value: String(i), textContent: "Tab " + (i + 1) + " · " + evs.length + " events" })));
    $("tabs").addEventListener("change", () => play(tabs[Number($("tabs").value)][1]));
    overlay("");
    play(tabs[0][1]);
  }).catch((err) => {
    stats.state = "error";
    $("mode").textContent = "Error";
    overlay("Could not load the recording", err.message);
  });
})();
