// Playwright's connectOverCDP closes every page of the default context,
// the session's own tab included, and disconnects: the session cookie it
// wrote (no expiry) is still there when it connects again, and it never saw
// the server's guard tab.
import { chromium } from 'playwright-core';
import { assert, createSession, env, run, stopSession } from './lib.mjs';

const pageUrl = env('PAGE_URL');

run(async () => {
  const session = await createSession({});

  let browser = await chromium.connectOverCDP(session.connect);
  let context = browser.contexts()[0];
  const page = await context.newPage();
  await page.goto(pageUrl);
  await page.evaluate(() => {
    document.cookie = 'user=ada; max-age=3600';
    document.cookie = 'visit=1';
  });
  for (const p of context.pages()) await p.close();
  assert.equal(context.pages().length, 0, 'no page is left'); // the guard tab is not the client's to see
  await browser.close(); // for a CDP connection this disconnects

  browser = await chromium.connectOverCDP(session.connect);
  context = browser.contexts()[0];
  const cookies = Object.fromEntries((await context.cookies(pageUrl)).map((c) => [c.name, c.value]));
  assert.deepEqual(cookies, { user: 'ada', visit: '1' }, 'both cookies are there');
  await browser.close();

  await stopSession(session.id);
});
