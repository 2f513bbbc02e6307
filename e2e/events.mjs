// A session's event stream read by a real SSE client (eventsource): the
// ordered lifecycle of a session, a resume with Last-Event-ID after the
// client went away, the same events in /logs after the session stopped,
// and no secret (a password in variables, a cookie value) anywhere in them.
//
//   PAGE_URL       a local page; events.html beside it is loaded
import { EventSource } from 'eventsource';
import puppeteer from 'puppeteer-core';
import { assert, bql, createSession, env, rest, run, stopSession } from './lib.mjs';

const base = env('SESSIONQL_URL').replace(/\/$/, '');
const pageUrl = new URL('events.html', env('PAGE_URL')).href;
const password = 'pw-SECRET-4f1c9';
const cookie = 'cookie-SECRET-77ab2';

// follow reads the session's stream into seen, resuming after lastId.
function follow(id, seen, lastId) {
  const fetchWithResume = (url, init) =>
    fetch(url, { ...init, headers: { ...init.headers, ...(lastId ? { 'Last-Event-ID': String(lastId) } : {}) } });
  const es = new EventSource(`${base}/sessions/${id}/events`, { fetch: fetchWithResume });
  es.onmessage = (m) => seen.push(JSON.parse(m.data));
  return es;
}

// until waits for an event of type in seen; the Go test bounds the script.
async function until(seen, type) {
  while (!seen.some((e) => e.type === type)) await new Promise((r) => setTimeout(r, 50));
}

// isSubsequence says whether want appears in got in order.
function isSubsequence(want, got) {
  let i = 0;
  for (const t of got) if (t === want[i]) i++;
  return i === want.length;
}

run(async () => {
  const session = await createSession({ stealth: true, logs: { network: true } });
  const first = [];
  const es1 = follow(session.id, first);
  await until(first, 'created');

  await bql(
    session,
    `mutation Login($u: String!, $pw: String!, $c: String!) {
      goto(url: $u, waitUntil: load) { status }
      type(selector: "#pw", text: $pw) { selector }
      cookies(cookies: [{ name: "sid", value: $c, url: $u }]) { time }
    }`,
    { u: pageUrl, pw: password, c: cookie },
  );
  await until(first, 'bql_request');
  es1.close(); // the client goes away; what happens meanwhile must not be lost
  const lastSeen = first[first.length - 1].id;

  const browser = await puppeteer.connect({ browserWSEndpoint: session.connect });
  await browser.disconnect();
  while ((await rest('GET', `/sessions/${session.id}`)).status !== 'hibernated') await new Promise((r) => setTimeout(r, 100));

  const second = [];
  const es2 = follow(session.id, second, lastSeen);
  await until(second, 'hibernated');
  await stopSession(session.id);
  await until(second, 'stopped');
  es2.close();

  const all = [...first, ...second];
  assert.deepEqual(all.map((e) => e.id), all.map((_, i) => i + 1), `ids run 1..n with no gap or repeat: ${all.map((e) => e.id)}`);
  const types = all.map((e) => e.type);
  const want = ['created', 'woken', 'navigated', 'console', 'bql_request', 'client_connected', 'client_disconnected', 'hibernated', 'stopped'];
  assert.ok(isSubsequence(want, types), `events in order ${want}: got ${types}`);
  const req = all.find((e) => e.type === 'bql_request');
  assert.deepEqual(req.data.fields, ['goto', 'type', 'cookies']);
  assert.equal(req.data.operation, 'Login');
  assert.ok(all.some((e) => e.type === 'response' && e.data.url === pageUrl && e.data.status === 200), 'network logging records the document response');
  assert.ok(all.some((e) => e.type === 'console' && /missing-for-events/.test(e.data.text + e.data.url)), 'the failed load is in console');
  const own = all.find((e) => e.type === 'console' && e.data.source === 'console-api');
  assert.equal(own?.data.text, 'a console.log call from the page 42', "the page's own console.log is a console event");
  assert.ok(types.indexOf('navigated') < all.indexOf(own) && all.indexOf(own) < types.indexOf('client_connected'), 'console.log comes after navigated, before the CDP client');
  assert.ok(!types.includes('page_error'), 'no page_error: this page throws nothing, and stealth sessions read exceptions only when asked');

  const logs = await rest('GET', `/sessions/${session.id}/logs?limit=1000`);
  assert.deepEqual(logs.events.map((e) => e.id), all.map((e) => e.id), 'logs after stop hold every streamed event');
  assert.equal(logs.truncated, false);
  const paged = [];
  for (let cursor = ''; ; ) {
    const page = await rest('GET', `/sessions/${session.id}/logs?limit=3${cursor}`);
    paged.push(...page.events.map((e) => e.id));
    if (!page.next) break;
    cursor = `&cursor=${page.next}`;
  }
  assert.deepEqual(paged, logs.events.map((e) => e.id), 'pages join up');
  const onlyBQL = await rest('GET', `/sessions/${session.id}/logs?type=bql_request`);
  assert.deepEqual(onlyBQL.events.map((e) => e.type), ['bql_request']);

  for (const text of [JSON.stringify(all), JSON.stringify(logs)]) {
    assert.ok(!text.includes(password), 'the password is in no event');
    assert.ok(!text.includes(cookie), 'the cookie value is in no event');
  }
});
