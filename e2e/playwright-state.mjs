// Playwright's connectOverCDP on a sessionql session: the default context
// keeps its state across connections, and a session cookie (no expiry)
// survives the client closing every page, the session's own tab included.
import { chromium } from 'playwright-core';
import { assert, createSession, env, getSession, run, stopSession } from './lib.mjs';

const pageUrl = env('PAGE_URL');

run(async () => {
  const session = await createSession({});

  let browser = await chromium.connectOverCDP(session.connect);
  let context = browser.contexts()[0];
  const page = await context.newPage();
  await page.goto(pageUrl);
  await page.evaluate(() => {
    localStorage.setItem('cart', JSON.stringify([1, 2]));
    document.cookie = 'user=ada; max-age=3600';
  });
  await browser.close(); // for a CDP connection this disconnects
  assert.equal((await getSession(session.id)).status, 'live', 'the session is live after close');

  browser = await chromium.connectOverCDP(session.connect);
  context = browser.contexts()[0];
  assert.ok(context.pages().some((p) => p.url() === pageUrl), 'the page left open is still there');
  const cookies = await context.cookies(pageUrl);
  assert.ok(cookies.some((c) => c.name === 'user' && c.value === 'ada'), `the cookie is there: ${JSON.stringify(cookies)}`);
  const again = await context.newPage();
  await again.goto(pageUrl);
  assert.deepEqual(await again.evaluate(() => [localStorage.getItem('cart'), document.cookie]), ['[1,2]', 'user=ada']);
  await again.evaluate(() => { document.cookie = 'visit=1'; });
  for (const p of context.pages()) await p.close();
  assert.equal(context.pages().length, 0, 'no page is left'); // the server's guard tab is not the client's to see
  await browser.close();

  browser = await chromium.connectOverCDP(session.connect);
  const jar = Object.fromEntries((await browser.contexts()[0].cookies(pageUrl)).map((c) => [c.name, c.value]));
  assert.deepEqual(jar, { user: 'ada', visit: '1' }, 'both cookies are there after every page closed');
  await browser.close();

  await stopSession(session.id);
  await assert.rejects(chromium.connectOverCDP(session.connect, { timeout: 10000 }), 'a stopped session refuses connect');
});
