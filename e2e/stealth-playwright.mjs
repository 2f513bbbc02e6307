// Playwright's connectOverCDP on a stealth session: pages of the default
// context and of a new context pass the bot detectors, also after scripts,
// clicks and typing. PLAYWRIGHT names the package: playwright-core, or
// patchright-core, which never enables the Runtime domain.
import { assert, env, run, stopSession, createSession } from './lib.mjs';
import { allowedRules, assertUndetected, busyWork, detect, sessionOptions } from './detect.mjs';

const { chromium } = await import(process.env.PLAYWRIGHT || 'playwright-core');
const detectUrl = env('DETECT_URL');
const pageUrl = env('PAGE_URL');
const undetected = (verdict, what) => assertUndetected(verdict, what, allowedRules);

// frameWork drives a page with a same-site and a cross-site iframe:
// evaluation with arguments and element handles, locators, clicks and
// filling in both frames.
async function frameWork(page) {
  await page.goto(pageUrl.replace('click.html', 'frames.html'));
  assert.equal(await page.evaluate(([a, b]) => a + b, [2, 3]), 5);
  const host = await page.$('#host');
  assert.equal(await page.evaluate((e) => e.id, host), 'host');
  for (const which of ['same', 'cross']) {
    const frame = page.frameLocator('#' + which);
    await frame.locator('#late-inner').waitFor();
    assert.equal(await frame.locator('#where').textContent(), 'frame ' + which);
    await frame.locator('#inner').click();
    await frame.locator('#field').fill('hi');
    const f = page.frames().find((x) => x.url().endsWith('?' + which));
    assert.equal(await f.evaluate(() => document.querySelector('#field').value), 'hi');
    assert.equal(await f.evaluate((s) => document.querySelector(s).textContent, '#inner'), 'Inner');
  }
  // patchright evaluates in an isolated world unless told otherwise (its fourth argument)
  const messages = process.env.PLAYWRIGHT === 'patchright-core'
    ? await page.evaluate(() => window.messages, undefined, undefined, false)
    : await page.evaluate(() => window.messages);
  for (const which of ['same', 'cross']) {
    assert.ok(messages.some((m) => m.where === which && m.clicked === true), `a trusted click reached the ${which} frame: ${JSON.stringify(messages)}`);
    assert.ok(messages.some((m) => m.where === which && m.value === 'hi'), `filling reached the ${which} frame`);
  }
}

run(async () => {
  const session = await createSession(sessionOptions());
  const browser = await chromium.connectOverCDP(session.connect);

  const page = await browser.contexts()[0].newPage();
  undetected(await detect(page, detectUrl), 'a page of the default context');
  await frameWork(page);
  await busyWork(page, pageUrl);
  undetected(await detect(page, detectUrl), 'a page after scripts, clicks and typing, also in its frames');

  const context = await browser.newContext({ viewport: null });
  undetected(await detect(await context.newPage(), detectUrl), 'a page of a new context');
  await context.close();

  await browser.close();
  await stopSession(session.id);
});
