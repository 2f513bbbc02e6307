// Puppeteer on a stealth session: pages it opens pass the bot detectors,
// also after it created pages, evaluated scripts, clicked and typed, and in
// the tab the session opened itself. A user agent that Puppeteer sets wins
// for its page. PUPPETEER names the package: puppeteer-core, or
// rebrowser-puppeteer-core, which never enables the Runtime domain.
import { assert, createSession, env, run, stopSession } from './lib.mjs';
import { allowedRules, assertUndetected, busyWork, detect, sessionOptions } from './detect.mjs';

const { default: puppeteer } = await import(process.env.PUPPETEER || 'puppeteer-core');
const detectUrl = env('DETECT_URL');
const pageUrl = env('PAGE_URL');
const undetected = (verdict, what) => assertUndetected(verdict, what, allowedRules);

run(async () => {
  const session = await createSession(sessionOptions());
  // defaultViewport: null keeps the session's window; Puppeteer would
  // otherwise emulate an 800x600 viewport, which detectors flag.
  const browser = await puppeteer.connect({ browserWSEndpoint: session.connect, defaultViewport: null });

  const first = await browser.newPage();
  undetected(await detect(first, detectUrl), 'a new page');

  const pages = await Promise.all([1, 2, 3].map(() => browser.newPage()));
  for (const p of pages) await busyWork(p, pageUrl);
  await pages[0].bringToFront();
  undetected(await detect(pages[0], detectUrl), 'a page after scripts, clicks and typing');
  undetected(await detect(await browser.newPage(), detectUrl), 'a page opened after the others');

  const own = (await browser.pages()).find((p) => p !== first && !pages.includes(p) && p.url() === 'about:blank');
  assert.ok(own, "the session's own tab is listed");
  await own.bringToFront();
  undetected(await detect(own, detectUrl), "the session's own tab");

  const mine = 'Mozilla/5.0 (sessionql test)';
  await pages[1].setUserAgent(mine);
  assert.equal(await pages[1].evaluate(() => navigator.userAgent), mine, "Puppeteer's own user agent wins for its page");
  assert.notEqual(await pages[2].evaluate(() => navigator.userAgent), mine, 'other pages keep the stealth user agent');

  await browser.disconnect();
  await stopSession(session.id);
});
