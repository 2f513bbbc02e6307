// Puppeteer on a stealth session: pages it opens pass the bot detectors,
// also after it created pages, evaluated scripts, clicked and typed, and in
// the tab the session opened itself. A user agent that Puppeteer sets wins
// for its page. PUPPETEER names the package: puppeteer-core, or
// rebrowser-puppeteer-core, which never enables the Runtime domain.
import { assert, createSession, env, run, stopSession } from './lib.mjs';
import { allowedRules, assertUndetected, busyWork, detect, sessionOptions } from './detect.mjs';
import { frameOf } from './features.mjs';

const { default: puppeteer } = await import(process.env.PUPPETEER || 'puppeteer-core');
const detectUrl = env('DETECT_URL');
const pageUrl = env('PAGE_URL');
const undetected = (verdict, what) => assertUndetected(verdict, what, allowedRules);

// frameWork drives a page with a same-site and a cross-site iframe:
// evaluation with arguments and element handles, selectors, clicks and
// typing in both frames. NO_CROSS_FRAME_TYPING skips typing in the
// cross-site frame, where rebrowser-puppeteer-core hangs, with or without
// the server's runtime shim; NO_RECONNECT skips the second connection,
// which rebrowser-puppeteer-core does not complete either.
async function frameWork(page) {
  await page.bringToFront();
  await page.goto(pageUrl.replace('click.html', 'frames.html'));
  assert.equal(await page.evaluate((a, b) => a + b, 2, 3), 5);
  const host = await page.$('#host');
  assert.equal(await page.evaluate((e, suffix) => e.id + suffix, host, '!'), 'host!');
  for (const which of ['same', 'cross']) {
    const frame = await frameOf(page, which);
    await frame.waitForSelector('#late-inner');
    assert.equal(await frame.$eval('#where', (e) => e.textContent), 'frame ' + which);
    await frame.click('#inner');
    if (which === 'cross' && process.env.NO_CROSS_FRAME_TYPING) continue;
    await frame.type('#field', 'hi');
    assert.equal(await frame.evaluate(() => document.querySelector('#field').value), 'hi');
    const button = await frame.$('#inner');
    assert.equal(await frame.evaluate((e) => e.textContent, button), 'Inner');
  }
  const messages = await page.evaluate(() => window.messages);
  for (const which of ['same', 'cross']) {
    assert.ok(messages.some((m) => m.where === which && m.clicked === true), `a trusted click reached the ${which} frame: ${JSON.stringify(messages)}`);
    if (which === 'cross' && process.env.NO_CROSS_FRAME_TYPING) continue;
    assert.ok(messages.some((m) => m.where === which && m.value === 'hi'), `typing reached the ${which} frame`);
  }
}

run(async () => {
  const session = await createSession(sessionOptions());
  // defaultViewport: null keeps the session's window; Puppeteer would
  // otherwise emulate an 800x600 viewport, which detectors flag.
  const browser = await puppeteer.connect({ browserWSEndpoint: session.connect, defaultViewport: null });

  const first = await browser.newPage();
  undetected(await detect(first, detectUrl), 'a new page');

  const pages = await Promise.all([1, 2, 3].map(() => browser.newPage()));
  for (const p of pages) await busyWork(p, pageUrl);
  await frameWork(pages[0]);
  await pages[0].bringToFront();
  undetected(await detect(pages[0], detectUrl), 'a page after scripts, clicks and typing, also in its frames');
  undetected(await detect(await browser.newPage(), detectUrl), 'a page opened after the others');

  const own = (await browser.pages()).find((p) => p !== first && !pages.includes(p) && p.url() === 'about:blank');
  assert.ok(own, "the session's own tab is listed");
  await own.bringToFront();
  undetected(await detect(own, detectUrl), "the session's own tab");

  const mine = 'Mozilla/5.0 (sessionql test)';
  await pages[1].setUserAgent(mine);
  assert.equal(await pages[1].evaluate(() => navigator.userAgent), mine, "Puppeteer's own user agent wins for its page");
  assert.notEqual(await pages[2].evaluate(() => navigator.userAgent), mine, 'other pages keep the stealth user agent');

  // A new connection finds the pages and evaluates in them.
  await browser.disconnect();
  if (process.env.NO_RECONNECT) return stopSession(session.id);
  const again = await puppeteer.connect({ browserWSEndpoint: session.connect, defaultViewport: null });
  const found = (await again.pages()).find((p) => p.url() === detectUrl);
  assert.ok(found, 'the detection page is listed after reconnecting');
  assert.equal(await found.evaluate((a, b) => a * b, 6, 7), 42, 'evaluate after reconnecting');
  assert.equal(await found.$eval('#verdict', (e) => e.id), 'verdict');
  await frameWork(found);
  await again.disconnect();
  await stopSession(session.id);
});
