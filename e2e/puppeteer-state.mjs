// Puppeteer on a sessionql session: state survives disconnects, and
// browser.close() ends only the connection, never the session.
import puppeteer from 'puppeteer-core';
import { assert, createSession, env, getSession, run, stopSession } from './lib.mjs';

const pageUrl = env('PAGE_URL');

run(async () => {
  const session = await createSession({});

  let browser = await puppeteer.connect({ browserWSEndpoint: session.connect });
  const page = await browser.newPage();
  await page.goto(pageUrl);
  await page.evaluate(() => {
    localStorage.setItem('cart', JSON.stringify([1, 2]));
    document.cookie = 'user=ada; max-age=3600';
  });
  await browser.disconnect();
  assert.equal((await getSession(session.id)).status, 'live', 'the session is live after disconnect');

  browser = await puppeteer.connect({ browserWSEndpoint: session.connect });
  const urls = (await browser.pages()).map((p) => p.url());
  assert.ok(urls.includes(pageUrl), `the page left open is still there: ${urls}`);
  assert.deepEqual(await readState(browser), ['[1,2]', 'user=ada'], 'a new page reads the state back');

  await browser.close();
  assert.equal((await getSession(session.id)).status, 'live', 'browser.close() leaves the session live');

  browser = await puppeteer.connect({ browserWSEndpoint: session.connect });
  assert.deepEqual(await readState(browser), ['[1,2]', 'user=ada'], 'the state is there after browser.close()');
  await browser.disconnect();

  await stopSession(session.id);
  await assert.rejects(puppeteer.connect({ browserWSEndpoint: session.connect }), 'a stopped session refuses connect');
});

async function readState(browser) {
  const page = await browser.newPage();
  await page.goto(pageUrl);
  const state = await page.evaluate(() => [localStorage.getItem('cart'), document.cookie]);
  await page.close();
  return state;
}
