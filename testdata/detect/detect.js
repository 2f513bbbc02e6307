// Source of detect.bundle.js (build: `npm ci && npm run build`, or ./build.sh).
//
// Runs BotD and fpscanner plus our own consistency checks and publishes the
// result as a JSON-able object in window.__detect (also rendered into the DOM).
// window.__detectReady is a Promise resolving to the same object, so a driver
// can do Runtime.evaluate({expression: "window.__detectReady", awaitPromise: true,
// returnByValue: true}).
//
// Optional query parameters describing what the session was configured with:
//   ?tz=Europe/Berlin     expected IANA timezone (Intl) in page and workers
//   ?locale=de-DE         expected locale: navigator.language, Intl locale and
//                         the first Accept-Language entry
//   ?skipsw=1             skip the service worker probe
// Without tz/locale the corresponding checks are reported as skipped (ok: null).

import { load as loadBotd } from '@fingerprintjs/botd';
import FingerprintScanner from 'fpscanner';

const params = new URLSearchParams(location.search);
const expected = {
  timezone: params.get('tz') || null,
  locale: params.get('locale') || null,
};

const state = { status: 'running', started: Date.now(), expected, errors: [] };
window.__detect = state;

function err(where, e) {
  state.errors.push(where + ': ' + (e && e.stack ? String(e.stack).split('\n')[0] : String(e)));
}

function withTimeout(p, ms, what) {
  return Promise.race([
    p,
    new Promise((_, reject) => setTimeout(() => reject(new Error(what + ' timed out after ' + ms + 'ms')), ms)),
  ]);
}

async function uaDataInfo(nav) {
  const d = nav.userAgentData;
  if (!d) return null;
  const out = {
    brands: (d.brands || []).map((b) => ({ brand: b.brand, version: b.version })),
    mobile: d.mobile,
    platform: d.platform,
  };
  try {
    const hev = await d.getHighEntropyValues(['fullVersionList', 'platform', 'platformVersion', 'uaFullVersion', 'architecture', 'bitness', 'model']);
    out.highEntropy = JSON.parse(JSON.stringify(hev));
  } catch (e) {
    out.highEntropyError = String(e);
  }
  return out;
}

async function fetchHeaders() {
  const r = await fetch('/headers?from=page', { cache: 'no-store' });
  return r.json();
}

function navInfo(nav) {
  return {
    webdriver: nav.webdriver,
    hasWebdriver: 'webdriver' in nav,
    userAgent: nav.userAgent,
    appVersion: nav.appVersion,
    platform: nav.platform,
    language: nav.language,
    languages: Array.from(nav.languages || []),
    hardwareConcurrency: nav.hardwareConcurrency,
    deviceMemory: nav.deviceMemory,
  };
}

// Same-origin iframe loading frame.html, which posts its own observations.
function frameProbe() {
  return withTimeout(new Promise((resolve) => {
    const onMsg = (ev) => {
      if (ev.data && ev.data.type === 'frame-info') {
        window.removeEventListener('message', onMsg);
        resolve(ev.data.info);
      }
    };
    window.addEventListener('message', onMsg);
    const f = document.createElement('iframe');
    f.src = '/frame.html';
    f.style.cssText = 'width:10px;height:10px;border:0';
    document.body.appendChild(f);
  }), 10000, 'iframe probe');
}

// about:blank iframe read from the parent (what fpscanner does).
function blankFrameProbe() {
  const f = document.createElement('iframe');
  f.src = 'about:blank';
  f.style.display = 'none';
  document.body.appendChild(f);
  try {
    return navInfo(f.contentWindow.navigator);
  } finally {
    f.remove();
  }
}

function workerProbe() {
  return withTimeout(new Promise((resolve, reject) => {
    const w = new Worker('/worker.js');
    w.onmessage = (ev) => { resolve(ev.data); w.terminate(); };
    w.onerror = (e) => reject(new Error('worker error: ' + (e.message || 'unknown')));
    w.postMessage({ type: 'collect' });
  }), 10000, 'dedicated worker probe');
}

async function serviceWorkerProbe() {
  if (!('serviceWorker' in navigator)) return { unavailable: 'navigator.serviceWorker missing (not a secure context?)' };
  const reg = await withTimeout(navigator.serviceWorker.register('/sw.js', { scope: '/' }), 10000, 'service worker register');
  await withTimeout(navigator.serviceWorker.ready, 10000, 'service worker ready');
  const sw = reg.active || reg.waiting || reg.installing;
  return withTimeout(new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (ev) => resolve(ev.data);
    sw.postMessage({ type: 'collect' }, [ch.port2]);
  }), 10000, 'service worker probe');
}

async function notificationInfo() {
  const out = { notificationPermission: typeof Notification !== 'undefined' ? Notification.permission : null };
  try {
    const st = await navigator.permissions.query({ name: 'notifications' });
    out.permissionsQueryState = st.state;
  } catch (e) {
    out.permissionsQueryError = String(e);
  }
  return out;
}

function screenInfo() {
  return {
    width: screen.width,
    height: screen.height,
    availWidth: screen.availWidth,
    availHeight: screen.availHeight,
    colorDepth: screen.colorDepth,
    devicePixelRatio: window.devicePixelRatio,
    outerWidth: window.outerWidth,
    outerHeight: window.outerHeight,
    innerWidth: window.innerWidth,
    innerHeight: window.innerHeight,
    screenX: window.screenX,
    screenY: window.screenY,
    availLeft: screen.availLeft,
    availTop: screen.availTop,
  };
}

// geometryProblems lists what makes a window's geometry a headless or kiosk
// window's: no taskbar (the available area is the whole screen), a window
// outside the available area, or no browser chrome (inner size = outer size).
function geometryProblems(s) {
  const out = [];
  if (!(s.availWidth < s.width || s.availHeight < s.height)) out.push('no taskbar: available area = screen');
  const left = s.availLeft || 0;
  const top = s.availTop || 0;
  if (s.screenX < left || s.screenY < top || s.screenX + s.outerWidth > left + s.availWidth || s.screenY + s.outerHeight > top + s.availHeight) {
    out.push('window outside the available area');
  }
  if (!(s.outerHeight > s.innerHeight && s.outerWidth >= s.innerWidth)) out.push('no browser chrome: inner size = outer size');
  return out;
}

// isChromeBrandList tells whether a brand list is Google Chrome's: GREASE,
// Chromium and Google Chrome, nothing else.
function isChromeBrandList(brands) {
  const names = (brands || []).map((b) => b.brand);
  return names.length === 3 && names.includes('Chromium') && names.includes('Google Chrome') && names.some((n) => GREASE.test(n));
}

function intlInfo() {
  const o = Intl.DateTimeFormat().resolvedOptions();
  return { timezone: o.timeZone, locale: o.locale, timezoneOffset: new Date().getTimezoneOffset() };
}

async function runBotd() {
  const botd = await loadBotd({ monitoring: false });
  const result = botd.detect();
  const detections = botd.getDetections() || {};
  const fired = Object.entries(detections).filter(([, v]) => v && v.bot).map(([k, v]) => ({ detector: k, botKind: v.botKind }));
  return { result, fired };
}

async function runFpscanner() {
  const scanner = new FingerprintScanner();
  const fp = await scanner.collectFingerprint({ encrypt: false });
  const rules = fp.fastBotDetectionDetails || {};
  const fired = Object.entries(rules).filter(([, v]) => v && v.detected).map(([k, v]) => ({ rule: k, severity: v.severity }));
  return {
    fastBotDetection: fp.fastBotDetection,
    fired,
    rules,
    fsid: fp.fsid,
    signals: fp.signals,
  };
}

// ---------- checks ----------

const HEADLESS = /headless/i;
const GREASE = /not.?a.?brand/i;

function uaMajor(ua) {
  const m = /(?:Chrome|Chromium)\/(\d+)/.exec(ua || '');
  return m ? m[1] : null;
}

function uaPlatformFamily(ua) {
  if (/Windows/.test(ua)) return 'Windows';
  if (/Android/.test(ua)) return 'Android';
  if (/CrOS/.test(ua)) return 'Chrome OS';
  if (/Macintosh|Mac OS X/.test(ua)) return 'macOS';
  if (/Linux|X11/.test(ua)) return 'Linux';
  return null;
}

function navPlatformFamily(p) {
  if (/^Win/.test(p)) return 'Windows';
  if (/^Mac/.test(p)) return 'macOS';
  if (/Linux|X11/.test(p)) return 'Linux';
  return null;
}

// Parse a structured-field brand list header: "A";v="1", "B";v="2"
function parseBrandHeader(h) {
  if (!h) return [];
  const out = [];
  const re = /"([^"]*)"\s*;\s*v\s*=\s*"([^"]*)"/g;
  let m;
  while ((m = re.exec(h))) out.push({ brand: m[1], version: m[2] });
  return out;
}

function brandMajorsMatch(brands, major) {
  const real = (brands || []).filter((b) => !GREASE.test(b.brand));
  if (!real.length || !major) return false;
  return real.every((b) => String(b.version).split('.')[0] === major);
}

function buildChecks(d) {
  const checks = [];
  const add = (name, ok, detail) => checks.push({ name, ok, detail });

  // BotD
  if (d.botd) add('botd.bot === false', d.botd.result && d.botd.result.bot === false, d.botd.result);
  else add('botd.bot === false', false, 'botd did not run');

  // fpscanner
  if (d.fpscanner) {
    const bad = d.fpscanner.fired.filter((r) => r.severity !== 'low');
    add('fpscanner: no medium/high rule fired', bad.length === 0, d.fpscanner.fired);
  } else add('fpscanner: no medium/high rule fired', false, 'fpscanner did not run');

  // webdriver in every context
  const ctxs = {
    page: d.page && d.page.navigator,
    iframe: d.iframe && d.iframe.navigator,
    blankIframe: d.blankIframe,
    worker: d.worker && d.worker.navigator,
    serviceWorker: d.serviceWorker && d.serviceWorker.navigator,
  };
  // Window contexts must expose navigator.webdriver === false. WorkerNavigator
  // has no webdriver attribute in Chromium (WebDriver spec only adds it to
  // Navigator), so in workers it must be absent (what a real Chrome shows) or false.
  for (const [k, n] of Object.entries(ctxs)) {
    if (k === 'serviceWorker' && d.serviceWorkerSkipped) continue;
    const isWorker = k === 'worker' || k === 'serviceWorker';
    const ok = !!n && (isWorker
      ? (n.hasWebdriver === false || n.webdriver === false)
      : (n.hasWebdriver === true && n.webdriver === false));
    add((isWorker ? 'navigator.webdriver absent/false in ' : 'navigator.webdriver === false in ') + k, ok,
      n ? { webdriver: n.webdriver === undefined ? 'undefined' : n.webdriver, present: n.hasWebdriver } : 'context missing');
  }

  // No "Headless" anywhere
  const strings = [];
  for (const [k, n] of Object.entries(ctxs)) {
    if (!n) continue;
    strings.push([k + '.userAgent', n.userAgent], [k + '.appVersion', n.appVersion]);
  }
  const uads = {
    page: d.page && d.page.userAgentData,
    iframe: d.iframe && d.iframe.userAgentData,
    worker: d.worker && d.worker.userAgentData,
    serviceWorker: d.serviceWorker && d.serviceWorker.userAgentData,
  };
  for (const [k, u] of Object.entries(uads)) {
    if (!u) continue;
    strings.push([k + '.brands', JSON.stringify(u.brands)]);
    if (u.highEntropy) strings.push([k + '.fullVersionList', JSON.stringify(u.highEntropy.fullVersionList)]);
  }
  const hdrs = {
    page: d.headers && d.headers.page,
    worker: d.worker && d.worker.headers,
    serviceWorker: d.serviceWorker && d.serviceWorker.headers,
  };
  for (const [k, h] of Object.entries(hdrs)) {
    if (!h) continue;
    for (const name of ['user-agent', 'sec-ch-ua', 'sec-ch-ua-full-version-list', 'sec-ch-ua-platform']) {
      if (h[name] !== undefined) strings.push([k + ' header ' + name, h[name]]);
    }
  }
  const headless = strings.filter(([, v]) => HEADLESS.test(String(v)));
  add('no "Headless" in UA/appVersion/brands/fullVersionList/sec-ch-ua* (all contexts)', headless.length === 0, headless.length ? headless : strings.length + ' strings checked');

  // UA identical across contexts and in request headers
  const pageUA = ctxs.page && ctxs.page.userAgent;
  const uaDiff = [];
  for (const [k, n] of Object.entries(ctxs)) if (n && n.userAgent !== pageUA) uaDiff.push([k, n.userAgent]);
  for (const [k, h] of Object.entries(hdrs)) if (h && h['user-agent'] !== pageUA) uaDiff.push([k + ' header', h['user-agent']]);
  add('userAgent identical in page/iframes/workers/headers', uaDiff.length === 0, uaDiff.length ? { page: pageUA, differing: uaDiff } : pageUA);

  // sec-ch-ua-full-version-list must have been sent (server sends Accept-CH/Critical-CH)
  const pageH = hdrs.page || {};
  add('sec-ch-ua-full-version-list header received', typeof pageH['sec-ch-ua-full-version-list'] === 'string', pageH['sec-ch-ua-full-version-list'] || 'missing');

  // Brand major == UA major
  const major = uaMajor(pageUA);
  const brandSets = [];
  for (const [k, u] of Object.entries(uads)) {
    if (!u) continue;
    brandSets.push([k + '.brands', u.brands]);
    if (u.highEntropy && u.highEntropy.fullVersionList) brandSets.push([k + '.fullVersionList', u.highEntropy.fullVersionList]);
  }
  for (const [k, h] of Object.entries(hdrs)) {
    if (!h) continue;
    if (h['sec-ch-ua']) brandSets.push([k + ' header sec-ch-ua', parseBrandHeader(h['sec-ch-ua'])]);
    if (h['sec-ch-ua-full-version-list']) brandSets.push([k + ' header sec-ch-ua-full-version-list', parseBrandHeader(h['sec-ch-ua-full-version-list'])]);
  }
  const badBrands = brandSets.filter(([, b]) => !brandMajorsMatch(b, major));
  add('brand major version == UA major (' + major + ')', brandSets.length > 0 && badBrands.length === 0, badBrands.length ? badBrands : brandSets.length + ' brand lists checked');

  // Platform consistency
  const fam = uaPlatformFamily(pageUA);
  const plats = [];
  for (const [k, n] of Object.entries(ctxs)) if (n) plats.push([k + '.navigator.platform', n.platform, navPlatformFamily(n.platform)]);
  for (const [k, u] of Object.entries(uads)) {
    if (!u) continue;
    plats.push([k + '.userAgentData.platform', u.platform, u.platform]);
    if (u.highEntropy) plats.push([k + '.highEntropy.platform', u.highEntropy.platform, u.highEntropy.platform]);
  }
  for (const [k, h] of Object.entries(hdrs)) {
    if (h && h['sec-ch-ua-platform']) {
      const v = h['sec-ch-ua-platform'].replace(/"/g, '');
      plats.push([k + ' header sec-ch-ua-platform', h['sec-ch-ua-platform'], v]);
    }
  }
  const badPlat = plats.filter(([, , f]) => f !== fam);
  add('platform consistent (UA=' + fam + ')', !!fam && badPlat.length === 0, badPlat.length ? badPlat : plats);

  // Screen / window
  const s = d.page && d.page.screen;
  if (s) {
    const is800 = (w, h) => w === 800 && h === 600;
    add('screen not 800x600', !is800(s.width, s.height) && !is800(s.availWidth, s.availHeight) && !is800(s.innerWidth, s.innerHeight), s);
    add('outerWidth/outerHeight non-zero and <= screen', s.outerWidth > 0 && s.outerHeight > 0 && s.outerWidth <= s.width && s.outerHeight <= s.height, s);
    const geo = geometryProblems(s);
    add('desktop geometry: taskbar, window inside the available area, browser chrome (page)', geo.length === 0, geo.length ? { problems: geo, screen: s } : s);
  }
  const fs = d.iframe && d.iframe.screen;
  if (fs && s) {
    const same = ['width', 'height', 'availWidth', 'availHeight', 'outerWidth', 'outerHeight', 'screenX', 'screenY'].filter((k) => fs[k] !== s[k]);
    const geo = geometryProblems(Object.assign({}, fs, { innerWidth: s.innerWidth, innerHeight: s.innerHeight }));
    add('desktop geometry in the iframe, as in the page', same.length === 0 && geo.length === 0, same.length || geo.length ? { differing: same, problems: geo, iframe: fs } : fs);
  }

  // Brands: Google Chrome's everywhere (GREASE, Chromium, Google Chrome);
  // Chromium's brands alone read as Chrome for Testing or automation.
  const notChrome = brandSets.filter(([, b]) => !isChromeBrandList(b));
  add("brands are Google Chrome's (page/iframe/workers/headers)", brandSets.length > 0 && notChrome.length === 0, notChrome.length ? notChrome : brandSets.length + ' brand lists checked');

  // Timezone / locale
  const tzs = [
    ['page', d.page && d.page.intl && d.page.intl.timezone],
    ['iframe', d.iframe && d.iframe.intl && d.iframe.intl.timezone],
    ['worker', d.worker && d.worker.intl && d.worker.intl.timezone],
  ];
  if (!d.serviceWorkerSkipped) tzs.push(['serviceWorker', d.serviceWorker && d.serviceWorker.intl && d.serviceWorker.intl.timezone]);
  if (expected.timezone) add('timezone == ' + expected.timezone + ' (page/iframe/workers)', tzs.every(([, v]) => v === expected.timezone), tzs);
  else add('timezone (no ?tz= expectation)', null, tzs);

  const lc = (x) => (x == null ? x : String(x).toLowerCase());
  const locs = [
    ['page navigator.language', d.page && d.page.navigator.language],
    ['page navigator.languages[0]', d.page && d.page.navigator.languages[0]],
    ['page Intl locale', d.page && d.page.intl.locale],
    ['iframe navigator.language', d.iframe && d.iframe.navigator && d.iframe.navigator.language],
    ['iframe Intl locale', d.iframe && d.iframe.intl && d.iframe.intl.locale],
    ['worker navigator.language', d.worker && d.worker.navigator && d.worker.navigator.language],
    ['worker Intl locale', d.worker && d.worker.intl && d.worker.intl.locale],
    ['accept-language[0]', pageH['accept-language'] && pageH['accept-language'].split(',')[0].split(';')[0].trim()],
  ];
  if (!d.serviceWorkerSkipped) {
    locs.push(['serviceWorker navigator.language', d.serviceWorker && d.serviceWorker.navigator && d.serviceWorker.navigator.language]);
    locs.push(['serviceWorker Intl locale', d.serviceWorker && d.serviceWorker.intl && d.serviceWorker.intl.locale]);
  }
  if (expected.locale) add('locale == ' + expected.locale, locs.every(([, v]) => lc(v) === lc(expected.locale)), locs);
  else add('locale (no ?locale= expectation)', null, locs);

  // Misc
  if (d.page) {
    add('plugins.length > 0', d.page.pluginsLength > 0, d.page.pluginsLength);
    add('window.chrome present', d.page.hasChrome === true, d.page.hasChrome);
    const n = d.page.notifications || {};
    const mapped = n.notificationPermission === 'default' ? 'prompt' : n.notificationPermission;
    add('Notification.permission consistent with permissions.query', mapped === n.permissionsQueryState, n);
  }
  return checks;
}

async function main() {
  const d = {};
  const page = {};
  d.page = page;
  page.navigator = navInfo(navigator);
  page.screen = screenInfo();
  page.intl = intlInfo();
  page.pluginsLength = navigator.plugins ? navigator.plugins.length : null;
  page.mimeTypesLength = navigator.mimeTypes ? navigator.mimeTypes.length : null;
  page.hasChrome = typeof window.chrome === 'object' && window.chrome !== null;
  page.chromeKeys = page.hasChrome ? Object.keys(window.chrome) : [];
  page.hasFocus = document.hasFocus();
  page.visibilityState = document.visibilityState;

  const tasks = {
    uad: uaDataInfo(navigator),
    notifications: notificationInfo(),
    headers: fetchHeaders(),
    iframe: frameProbe(),
    worker: workerProbe(),
    serviceWorker: params.get('skipsw') ? Promise.resolve(null) : serviceWorkerProbe(),
    botd: runBotd(),
    fpscanner: runFpscanner(),
  };
  d.serviceWorkerSkipped = !!params.get('skipsw');
  const keys = Object.keys(tasks);
  const settled = await Promise.allSettled(Object.values(tasks));
  const r = {};
  keys.forEach((k, i) => {
    if (settled[i].status === 'fulfilled') r[k] = settled[i].value;
    else { r[k] = null; err(k, settled[i].reason); }
  });
  page.userAgentData = r.uad;
  page.notifications = r.notifications;
  d.headers = { page: r.headers };
  d.iframe = r.iframe;
  try { d.blankIframe = blankFrameProbe(); } catch (e) { err('blankIframe', e); }
  d.worker = r.worker;
  d.serviceWorker = r.serviceWorker;
  d.botd = r.botd;
  d.fpscanner = r.fpscanner;

  const checks = buildChecks(d);
  const failed = checks.filter((c) => c.ok === false).map((c) => c.name);
  Object.assign(state, d, {
    checks,
    failed,
    pass: failed.length === 0,
    status: 'done',
    elapsedMs: Date.now() - state.started,
  });
  // Ensure JSON-able (drops functions/undefined, catches cycles early).
  const json = JSON.stringify(state);
  window.__detect = JSON.parse(json);
  render(window.__detect);
  return window.__detect;
}

function render(res) {
  const v = document.getElementById('verdict');
  if (v) {
    v.textContent = res.pass ? 'PASS' : 'FAIL: ' + res.failed.join('; ');
    v.setAttribute('data-pass', String(res.pass));
    v.setAttribute('data-status', res.status);
  }
  const ul = document.getElementById('checks');
  if (ul) {
    for (const c of res.checks) {
      const li = document.createElement('li');
      li.textContent = (c.ok === null ? 'SKIP ' : c.ok ? 'ok   ' : 'FAIL ') + c.name;
      li.className = c.ok === null ? 'skip' : c.ok ? 'ok' : 'fail';
      ul.appendChild(li);
    }
  }
  const pre = document.getElementById('result');
  if (pre) pre.textContent = JSON.stringify(res, null, 2);
}

window.__detectReady = main().catch((e) => {
  err('main', e);
  state.status = 'error';
  state.pass = false;
  window.__detect = JSON.parse(JSON.stringify(state));
  render(Object.assign({ checks: [], failed: ['main error'] }, window.__detect));
  return window.__detect;
});
