// The official Browserbase SDK (@browserbasehq/sdk) against a sessionql
// server, unchanged but for baseURL: contexts that persist, sessions found
// by their metadata, the debugger URL (sessionql's live view), logs, and
// keepAlive: false ending a session with its last CDP client.
//
//   SESSIONQL_URL, SESSIONQL_TOKEN, PAGE_URL  as lib.mjs says
//   CHROME_PATH  a Chromium to open the debugger URL in

import Browserbase from '@browserbasehq/sdk';
import { chromium } from 'playwright-core';
import { assert, env, run } from './lib.mjs';

const pageUrl = env('PAGE_URL');
const bb = new Browserbase({ apiKey: process.env.SESSIONQL_TOKEN || 'no-token', baseURL: env('SESSIONQL_URL'), maxRetries: 0 });

// refused checks that a promise fails with the HTTP status and a message
// that matches.
const refused = (status, pattern) => (err) => {
  assert.equal(err.status, status, `status of ${err.message}`);
  assert.match(err.message, pattern);
  return true;
};

// setState stores a cookie that lasts, a session cookie and localStorage
// through Playwright on the session, then disconnects.
async function setState(session) {
  const browser = await chromium.connectOverCDP(session.connectUrl);
  const context = browser.contexts()[0];
  const page = await context.newPage();
  await page.goto(pageUrl);
  await page.evaluate(() => {
    localStorage.setItem('bb', 'kept');
    document.cookie = 'bbuser=ada; max-age=3600';
  });
  await context.addCookies([{ name: 'bbsession', value: 'yes', url: pageUrl }]);
  await browser.close(); // for a CDP connection this disconnects
}

// readState reads the state setState stored, through a fresh page.
async function readState(session) {
  const browser = await chromium.connectOverCDP(session.connectUrl);
  const context = browser.contexts()[0];
  const page = await context.newPage();
  await page.goto(pageUrl);
  const state = await page.evaluate(() => [localStorage.getItem('bb'), document.cookie.split('; ').sort().join('; ')]);
  await page.close();
  await browser.close();
  return state;
}

// openDebugger loads the debugger URL in a browser of its own, as a person
// would, and waits until the live view shows the session.
async function openDebugger(url) {
  const viewer = await chromium.launch({ executablePath: env('CHROME_PATH') });
  try {
    const page = await viewer.newPage();
    const res = await page.goto(url);
    assert.equal(res.status(), 200, 'the debugger URL opens');
    await page.waitForFunction(() => /Interactive|Watching|View only/.test(document.getElementById('mode').textContent), null, { timeout: 30000 });
  } finally {
    await viewer.close();
  }
}

// gone waits until retrieving the session says it no longer exists.
async function gone(id) {
  for (let i = 0; i < 300; i++) {
    try {
      await bb.sessions.retrieve(id);
    } catch (err) {
      if (err.status === 404) return;
      throw err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`session ${id} still runs after its last client left`);
}

run(async () => {
  // 1. A context, a session on it that persists, state set over CDP, release.
  const ctx = await bb.contexts.create({ projectId: 'ignored' });
  assert.ok(ctx.id, 'contexts.create gives an id');
  const first = await bb.sessions.create({
    projectId: 'ignored',
    browserSettings: { context: { id: ctx.id, persist: true }, viewport: { width: 1024, height: 768 } },
    keepAlive: true,
    userMetadata: { k: 'v' },
  });
  const recorded = await bb.sessions.create({ keepAlive: true, browserSettings: { recordSession: true } });
  assert.equal(first.status, 'RUNNING');
  assert.equal(first.keepAlive, true);
  assert.equal(first.contextId, ctx.id);
  assert.deepEqual(first.userMetadata, { k: 'v' });
  await setState(first);

  // 3. Listing by metadata, retrieve, the debugger URL, logs.
  const other = await bb.sessions.create({ keepAlive: true, userMetadata: { k: 'w' } });
  const listed = await bb.sessions.list({ q: "user_metadata['k']:'v'" });
  assert.deepEqual(listed.map((s) => s.id), [first.id], 'q selects by userMetadata');
  assert.equal((await bb.sessions.list({ status: 'RUNNING' })).length, 3);
  assert.deepEqual(await bb.sessions.list({ status: 'COMPLETED' }), []);
  const got = await bb.sessions.retrieve(first.id);
  assert.equal(got.id, first.id);
  assert.equal(got.status, 'RUNNING');
  assert.ok(got.connectUrl.startsWith('ws'), 'retrieve gives the connect URL');
  const debug = await bb.sessions.debug(first.id);
  assert.ok(debug.wsUrl.startsWith('ws'), 'debug gives wsUrl');
  assert.ok(debug.pages.some((p) => p.url === pageUrl), `debug lists the page left open: ${JSON.stringify(debug.pages)}`);
  await openDebugger(debug.debuggerFullscreenUrl);
  const logs = await bb.sessions.logs.list(first.id);
  assert.ok(logs.some((l) => l.method === 'created' && l.sessionId === first.id), `logs hold the creation: ${JSON.stringify(logs.slice(0, 3))}`);
  await assert.rejects(bb.sessions.downloads.list(first.id), refused(400, /downloads/));
  await bb.sessions.update(other.id, { status: 'REQUEST_RELEASE' });
  await setState(recorded);
  await bb.sessions.update(recorded.id, { status: 'REQUEST_RELEASE' });
  const recording = await bb.sessions.recording.retrieve(recorded.id);
  assert.ok(recording.some((e) => e.type === 2 && e.sessionId === recorded.id), `the recording holds a full snapshot: ${JSON.stringify(recording.slice(0, 2)).slice(0, 300)}`);

  const released = await bb.sessions.update(first.id, { status: 'REQUEST_RELEASE', projectId: 'ignored' });
  assert.equal(released.status, 'COMPLETED');
  await assert.rejects(bb.sessions.retrieve(first.id), refused(404, /stopped|No session/));

  // 2. A second session on the context starts with what the first saved.
  const second = await bb.sessions.create({ browserSettings: { context: { id: ctx.id } }, keepAlive: true });
  assert.deepEqual(await readState(second), ['kept', 'bbsession=yes; bbuser=ada']);
  await bb.sessions.update(second.id, { status: 'REQUEST_RELEASE' });

  // 4. keepAlive false (Browserbase's default): the last client leaving ends it.
  const brief = await bb.sessions.create({});
  assert.equal(brief.keepAlive, false);
  const browser = await chromium.connectOverCDP(brief.connectUrl);
  await browser.close();
  await gone(brief.id);

  // What cannot be served is refused, never accepted silently.
  await assert.rejects(bb.sessions.create({ proxies: true }), refused(400, /managed proxies/));
  await assert.rejects(bb.sessions.create({ region: 'eu-central-1' }), refused(400, /region/));
  await assert.rejects(bb.sessions.create({ browserSettings: { solveCaptchas: true } }), refused(400, /captchas/));

  // Contexts: retrieve, update, delete.
  const kept = await bb.contexts.retrieve(ctx.id);
  assert.equal(kept.id, ctx.id);
  assert.equal((await bb.contexts.update(ctx.id)).id, ctx.id);
  await bb.contexts.delete(ctx.id);
  await assert.rejects(bb.contexts.retrieve(ctx.id), refused(404, /context/));
  await assert.rejects(bb.sessions.create({ browserSettings: { context: { id: ctx.id } } }), refused(404, /context/));
});
