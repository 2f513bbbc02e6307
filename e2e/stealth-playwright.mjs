// Playwright's connectOverCDP on a stealth session: pages of the default
// context and of a new context pass the bot detectors, also after scripts,
// clicks and typing. PLAYWRIGHT names the package: playwright-core, or
// patchright-core, which never enables the Runtime domain.
import { env, run, stopSession, createSession } from './lib.mjs';
import { allowedRules, assertUndetected, busyWork, detect, sessionOptions } from './detect.mjs';

const { chromium } = await import(process.env.PLAYWRIGHT || 'playwright-core');
const detectUrl = env('DETECT_URL');
const pageUrl = env('PAGE_URL');
const undetected = (verdict, what) => assertUndetected(verdict, what, allowedRules);

run(async () => {
  const session = await createSession(sessionOptions());
  const browser = await chromium.connectOverCDP(session.connect);

  const page = await browser.contexts()[0].newPage();
  undetected(await detect(page, detectUrl), 'a page of the default context');
  await busyWork(page, pageUrl);
  undetected(await detect(page, detectUrl), 'a page after scripts, clicks and typing');

  const context = await browser.newContext({ viewport: null });
  undetected(await detect(await context.newPage(), detectUrl), 'a page of a new context');
  await context.close();

  await browser.close();
  await stopSession(session.id);
});
