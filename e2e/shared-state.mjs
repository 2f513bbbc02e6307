// Two Puppeteer clients and BrowserQL requests on one session at once: they
// see the same cookies and storage and do not break each other, even when a
// client closes every tab, the one BrowserQL uses included.
import puppeteer from 'puppeteer-core';
import { assert, bql, createSession, env, run, stopSession } from './lib.mjs';

const pageUrl = env('PAGE_URL');
const read = `mutation Read($u: String!) {
  goto(url: $u) { status }
  evaluate(content: "return JSON.stringify([localStorage.getItem('pp'), document.cookie.includes('pp=1')]);") { value }
}`;
const write = `mutation Write($u: String!) {
  goto(url: $u) { status }
  evaluate(content: "localStorage.setItem('bql', '1'); document.cookie = 'bql=1; max-age=600'; return 'done';") { value }
}`;

run(async () => {
  const session = await createSession({ stealth: true });
  const [a, b] = await Promise.all([1, 2].map(() => puppeteer.connect({ browserWSEndpoint: session.connect })));
  const page = await a.newPage();
  await page.goto(pageUrl);

  await Promise.all([
    bql(session, write, { u: pageUrl }),
    page.evaluate(() => {
      localStorage.setItem('pp', '1');
      document.cookie = 'pp=1; max-age=600';
    }),
  ]);
  const seen = await bql(session, read, { u: pageUrl });
  assert.equal(seen.evaluate.value, '["1",true]', 'BrowserQL sees what Puppeteer wrote');
  const other = await b.newPage();
  await other.goto(pageUrl);
  assert.deepEqual(await other.evaluate(() => [localStorage.getItem('bql'), document.cookie.includes('bql=1')]), ['1', true], 'the second client sees what BrowserQL wrote');

  await Promise.all([
    ...Array.from({ length: 5 }, () => bql(session, read, { u: pageUrl })),
    (async () => {
      for (let i = 0; i < 5; i++) {
        await page.goto(`${pageUrl}?i=${i}`);
        assert.equal(await page.evaluate(() => localStorage.getItem('bql')), '1');
      }
    })(),
  ]);

  for (const p of await a.pages()) await p.close();
  assert.equal((await bql(session, read, { u: pageUrl })).goto.status, 200, 'BrowserQL works after every tab was closed');

  await Promise.all([a.disconnect(), b.disconnect()]);
  await stopSession(session.id);
});
