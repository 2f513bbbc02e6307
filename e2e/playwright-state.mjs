// Playwright's connectOverCDP on a sessionql session: the default context
// keeps its state across connections.
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
  await again.close();
  await browser.close();

  await stopSession(session.id);
  await assert.rejects(chromium.connectOverCDP(session.connect, { timeout: 10000 }), 'a stopped session refuses connect');
});
