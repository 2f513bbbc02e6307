// The official Browserbase SDK (@browserbasehq/sdk) against a sessionql
// server, unchanged but for baseURL: contexts that persist, sessions found
// by their metadata, the debugger URL (sessionql's live view), logs,
// downloads as a zip, uploads a page then sees, and
// keepAlive: false ending a session with its last CDP client.
//
//   SESSIONQL_URL, SESSIONQL_TOKEN, PAGE_URL  as lib.mjs says
//   CHROME_PATH  a Chromium to open the debugger URL in

import Browserbase, { toFile } from '@browserbasehq/sdk';
import { chromium } from 'playwright-core';
import { inflateRawSync } from 'node:zlib';
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

// unzip reads a zip's entries (stored or deflated) into {name: Buffer},
// from its central directory.
function unzip(buf) {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'the answer is a zip');
  const entries = {};
  let at = buf.readUInt32LE(end + 16);
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString();
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    entries[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

// filesRoundTrip downloads a file in the session through Playwright and
// reads it back from sessions.downloads.list's zip, then uploads a file
// with sessions.uploads.create and gives its name to the page's file
// input with DOM.setFileInputFiles, as Browserbase's guide does.
async function filesRoundTrip(session) {
  const browser = await chromium.connectOverCDP(session.connectUrl);
  const page = await browser.contexts()[0].newPage();
  // Playwright asks for downloads named by GUID (allowAndName); as
  // Browserbase's guide does, ask for their own names.
  const browserCDP = await browser.newBrowserCDPSession();
  await browserCDP.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: 'downloads', eventsEnabled: true });
  await page.goto(new URL('files.html', pageUrl).href);
  await page.click('#attachment');
  let entries = {};
  for (let i = 0; i < 100 && !entries['attached.bin']; i++) {
    const res = await bb.sessions.downloads.list(session.id);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    entries = unzip(Buffer.from(await res.arrayBuffer()));
    if (!entries['attached.bin']) await new Promise((r) => setTimeout(r, 100));
  }
  const want = Buffer.alloc(100000);
  for (let i = 0; i < want.length; i++) want[i] = 97 + (i % 26);
  assert.ok(entries['attached.bin'] && entries['attached.bin'].equals(want), `the zip holds the downloaded bytes: ${Object.keys(entries)}`);

  const up = await bb.sessions.uploads.create(session.id, { file: await toFile(Buffer.from('uploaded through the SDK\n'), 'bb-upload.txt') });
  assert.match(up.message, /bb-upload\.txt/);
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#one' });
  await cdp.send('DOM.setFileInputFiles', { nodeId, files: ['bb-upload.txt'] });
  assert.equal(await page.textContent('#changed'), 'bb-upload.txt:25', 'the page sees the uploaded file');
  await browser.close();
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
  await filesRoundTrip(other);
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
