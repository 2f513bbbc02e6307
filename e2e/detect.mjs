// Helpers for the stealth scripts: open the detection page (testdata/detect)
// in a page of any client and judge its verdict.
//
//   DETECT_URL       the detection page with its ?tz=&locale= expectations (required)
//   SESSION_OPTIONS  JSON of the session's options besides stealth, e.g. its timezone
//   ALLOW_RULES      comma-separated fpscanner rules the client itself causes

import { assert } from './lib.mjs';

// detect opens the detection page in page, which may be a Puppeteer or a
// Playwright page, and returns its verdict. It reads the verdict from the
// DOM, so that clients that evaluate in an isolated world read it too.
export async function detect(page, url) {
  await page.goto(url);
  await page.waitForSelector('#verdict:not([data-status="running"])', { timeout: 60000 });
  return JSON.parse(await page.$eval('#result', (e) => e.textContent));
}

// assertUndetected fails with what fired unless the page passed every
// check. allowed names fpscanner rules that may fire nonetheless: hasCDP,
// when the client itself enables the Runtime domain, as stock Puppeteer and
// Playwright do.
//
// A document's earliest script may read the outer window size as 0x0 before
// Chromium told the new renderer its window (a race of any headless
// session); that reading alone is tolerated, in the outer size and the
// desktop geometry checks of the context that read it; any other wrong size
// fails.
export function assertUndetected(verdict, what, allowed = []) {
  const zero = (s) => !!s && s.outerWidth === 0 && s.outerHeight === 0;
  const page = zero(verdict.page && verdict.page.screen);
  const frame = zero(verdict.iframe && verdict.iframe.screen);
  const race = (c) => ((c.name === 'outerWidth/outerHeight non-zero and <= screen' || c.name.startsWith('desktop geometry:')) && page) ||
    (c.name === 'desktop geometry in the iframe, as in the page' && (page || frame));
  const failing = (verdict.checks || []).filter((c) => c.ok === false && !race(c));
  const fired = ((verdict.fpscanner && verdict.fpscanner.fired) || []).filter((r) => r.severity !== 'low');
  const tolerated = failing.every((c) => c.name.startsWith('fpscanner:')) && fired.every((r) => allowed.includes(r.rule));
  assert.ok(verdict.status === 'done' && verdict.botd.result.bot === false && (failing.length === 0 || tolerated),
    `${what}: detected\n${JSON.stringify({ failed: verdict.failed, botd: verdict.botd, fpscanner: fired, errors: verdict.errors, failing }, null, 1)}`);
}

// busyWork is what a user's script does with a page: it navigates, runs
// scripts, clicks and types.
export async function busyWork(page, pageUrl) {
  await page.bringToFront(); // input goes to the tab in front, as for a person
  await page.goto(pageUrl);
  assert.equal(await page.evaluate(() => 6 * 7), 42);
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.id = 'typed';
    document.body.prepend(input); // at the top: in view without scrolling
  });
  await page.click('#typed');
  await page.type('#typed', 'hello');
  assert.equal(await page.evaluate(() => document.querySelector('#typed').value), 'hello');
}

// allowedRules are the fpscanner rules that ALLOW_RULES tolerates.
export const allowedRules = (process.env.ALLOW_RULES || '').split(',').filter(Boolean);

// sessionOptions are the options of the stealth session a script creates.
export const sessionOptions = () => ({ ...JSON.parse(process.env.SESSION_OPTIONS || '{}'), stealth: true });
