// The Playwright features users rely on, on a stealth session (or on a
// plain one with SESSION_OPTIONS={}): exposed functions and bindings after
// navigations and in new pages, init scripts in every new document,
// dialogs, waitForFunction, evaluateHandle, frames, workers, the file
// chooser and downloads. The runtime shim answers Runtime.enable on stealth
// sessions; each check here is one way it could silently break a client.
import { assert, createSession, env, run, stopSession } from './lib.mjs';
import { addFileInput, commonChecks, downloadHello, runChecks, startWorker } from './features.mjs';

const { chromium } = await import(process.env.PLAYWRIGHT || 'playwright-core');
const pageUrl = env('PAGE_URL');
const framesUrl = pageUrl.replace('click.html', 'frames.html');
const options = JSON.parse(process.env.SESSION_OPTIONS || '{"stealth":true}');

const checks = {
  async exposeFunction(context) {
    const page = await context.newPage();
    await page.exposeFunction('add', (a, b) => a + b);
    assert.equal(await page.evaluate(() => window.add(2, 3)), 5, 'before a navigation');
    await page.goto(pageUrl);
    assert.equal(await page.evaluate(() => window.add(3, 4)), 7, 'after a navigation');
    await page.goto(framesUrl);
    assert.equal(await page.evaluate(() => window.add(4, 5)), 9, 'after a second navigation');
    await page.close();
  },

  async exposeBinding(context) {
    const page = await context.newPage();
    await page.exposeBinding('where', ({ frame }) => frame.url());
    await page.goto(pageUrl);
    assert.equal(await page.evaluate(() => window.where()), pageUrl, 'after a navigation');
    await page.close();
  },

  async contextExposeFunction(context) {
    await context.exposeFunction('sub', (a, b) => a - b);
    const page = await context.newPage();
    await page.goto(pageUrl);
    assert.equal(await page.evaluate(() => window.sub(9, 2)), 7, 'in a new page after a navigation');
    await page.close();
  },

  async contextAddInitScript(context) {
    await context.addInitScript(() => { window.contextInit = true; });
    const page = await context.newPage();
    await page.goto(pageUrl);
    assert.equal(await page.evaluate(() => window.contextInit), true, 'in a new page');
    await page.goto(framesUrl);
    assert.equal(await page.evaluate(() => window.contextInit), true, 'after a navigation');
    await page.close();
  },

  async workers(context) {
    const page = await context.newPage();
    await page.goto(pageUrl);
    const [worker] = await Promise.all([
      page.waitForEvent('worker'),
      page.evaluate(startWorker),
    ]);
    assert.equal(await worker.evaluate(() => 6 * 7), 42);
    await page.close();
  },

  async fileChooser(context) {
    const page = await context.newPage();
    await page.goto(pageUrl);
    await page.evaluate(addFileInput, false);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#file')]);
    await chooser.setFiles({ name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
    assert.equal(await page.evaluate(() => document.querySelector('#file').files[0].name), 'note.txt');
    await page.close();
  },

  async download(context) {
    const page = await context.newPage();
    await page.goto(pageUrl);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.evaluate(downloadHello),
    ]);
    assert.equal(download.suggestedFilename(), 'hello.txt');
    assert.equal(await download.failure(), null);
    await page.close();
  },
};

// each check gets a context of its own, so that context-wide bindings and
// scripts of one do not help another; the common checks use its page
let context;
Object.assign(checks, commonChecks(() => context.newPage(), (name) => pageUrl.replace('click.html', name), 'addInitScript'));

run(async () => {
  const session = await createSession(options);
  const browser = await chromium.connectOverCDP(session.connect);
  try {
    await runChecks(checks, async () => (context = await browser.newContext({ viewport: null })), (c) => c.close().catch(() => {}));
  } finally {
    await browser.close();
    await stopSession(session.id);
  }
});
