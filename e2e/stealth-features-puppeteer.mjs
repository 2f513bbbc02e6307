// The Puppeteer features users rely on, on a stealth session (or on a plain
// one with SESSION_OPTIONS={}): exposed functions after navigations and in
// new pages, scripts on new documents, dialogs, waitForFunction,
// evaluateHandle, frames, workers, the file chooser and downloads. The
// runtime shim answers Runtime.enable on stealth sessions; each check here
// is one way it could silently break a client.
import { assert, createSession, env, run, stopSession } from './lib.mjs';
import { addFileInput, commonChecks, downloadHello, runChecks, startWorker } from './features.mjs';

const { default: puppeteer } = await import(process.env.PUPPETEER || 'puppeteer-core');
const pageUrl = env('PAGE_URL');
const framesUrl = pageUrl.replace('click.html', 'frames.html');
const options = JSON.parse(process.env.SESSION_OPTIONS || '{"stealth":true}');

const checks = {
  ...commonChecks(() => browser.newPage(), (name) => pageUrl.replace('click.html', name), 'evaluateOnNewDocument'),

  async exposeFunction(browser) {
    const page = await browser.newPage();
    await page.exposeFunction('add', (a, b) => a + b);
    assert.equal(await page.evaluate(() => window.add(2, 3)), 5, 'before a navigation');
    await page.goto(pageUrl);
    assert.equal(await page.evaluate(() => window.add(3, 4)), 7, 'after a navigation');
    await page.goto(framesUrl);
    assert.equal(await page.evaluate(() => window.add(4, 5)), 9, 'after a second navigation');
    const other = await browser.newPage();
    await other.goto(pageUrl);
    await other.exposeFunction('mul', (a, b) => a * b);
    await other.goto(framesUrl);
    assert.equal(await other.evaluate(() => window.mul(6, 7)), 42, 'in a new page after a navigation');
    await Promise.all([page.close(), other.close()]);
  },

  async workers(browser) {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    const created = new Promise((resolve) => page.once('workercreated', resolve));
    await page.evaluate(startWorker);
    const worker = await created;
    assert.equal(await worker.evaluate(() => 6 * 7), 42);
    await page.close();
  },

  async fileChooser(browser) {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    await page.evaluate(addFileInput, true);
    const [chooser] = await Promise.all([page.waitForFileChooser(), page.click('#file')]);
    assert.equal(chooser.isMultiple(), true);
    await chooser.cancel();
    await page.close();
  },

  async download(browser) {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    const cdp = await browser.target().createCDPSession();
    const done = new Promise((resolve, reject) => {
      const begun = [];
      cdp.on('Browser.downloadWillBegin', (e) => begun.push(e.suggestedFilename));
      cdp.on('Browser.downloadProgress', (e) => {
        if (e.state === 'completed') resolve(begun);
        if (e.state === 'canceled') reject(new Error('download canceled'));
      });
    });
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', eventsEnabled: true });
    await page.evaluate(downloadHello);
    assert.deepEqual(await done, ['hello.txt']);
    await cdp.detach();
    await page.close();
  },
};

let browser;

run(async () => {
  const session = await createSession(options);
  browser = await puppeteer.connect({ browserWSEndpoint: session.connect, defaultViewport: null, protocolTimeout: 30000 });
  try {
    await runChecks(checks, () => browser, () => {});
  } finally {
    await browser.disconnect();
    await stopSession(session.id);
  }
});
