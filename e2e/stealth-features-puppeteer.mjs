// The Puppeteer features users rely on, on a stealth session (or on a plain
// one with SESSION_OPTIONS={}): exposed functions after navigations and in
// new pages, scripts on new documents, dialogs, waitForFunction,
// evaluateHandle, frames, workers, the file chooser and downloads. The
// runtime shim answers Runtime.enable on stealth sessions; each check here
// is one way it could silently break a client.
import { assert, createSession, env, run, stopSession } from './lib.mjs';

const { default: puppeteer } = await import(process.env.PUPPETEER || 'puppeteer-core');
const pageUrl = env('PAGE_URL');
const framesUrl = pageUrl.replace('click.html', 'frames.html');
const options = JSON.parse(process.env.SESSION_OPTIONS || '{"stealth":true}');

const checks = {
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

  async evaluateOnNewDocument(browser) {
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(() => { window.initRuns = (window.initRuns || 0) + 1; });
    await page.goto(pageUrl);
    assert.equal(await page.evaluate(() => window.initRuns), 1, 'in the first document');
    await page.goto(framesUrl);
    assert.equal(await page.evaluate(() => window.initRuns), 1, 'in the next document');
    const frame = await frameOf(page, 'same');
    assert.equal(await frame.evaluate(() => window.initRuns), 1, 'in a same-site iframe');
    await page.close();
  },

  async dialog(browser) {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    const seen = [];
    page.on('dialog', async (d) => { seen.push(d.type() + ':' + d.message()); await d.accept('typed'); });
    assert.equal(await page.evaluate(() => prompt('name?')), 'typed');
    assert.deepEqual(seen, ['prompt:name?']);
    await page.close();
  },

  async waitForFunction(browser) {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    await page.evaluate(() => setTimeout(() => { window.ready = 42; }, 200));
    const h = await page.waitForFunction(() => window.ready);
    assert.equal(await h.jsonValue(), 42);
    await page.close();
  },

  async evaluateHandle(browser) {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    const h = await page.evaluateHandle(() => ({ a: 1, b: [2, 3] }));
    assert.deepEqual(await h.jsonValue(), { a: 1, b: [2, 3] });
    assert.equal(await page.evaluate((o) => o.b[1], h), 3);
    const body = await page.evaluateHandle(() => document.body);
    assert.equal(await body.evaluate((b) => b.tagName), 'BODY');
    await page.close();
  },

  async frames(browser) {
    const page = await browser.newPage();
    await page.goto(framesUrl);
    for (const which of ['same', 'cross']) {
      const frame = await frameOf(page, which);
      await frame.waitForSelector('#where');
      assert.equal(await frame.$eval('#where', (e) => e.textContent), 'frame ' + which);
    }
    await page.close();
  },

  async workers(browser) {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    const created = new Promise((resolve) => page.once('workercreated', resolve));
    await page.evaluate(() => {
      window.w = new Worker(URL.createObjectURL(new Blob(['self.onmessage = (e) => postMessage(e.data * 2)'], { type: 'text/javascript' })));
    });
    const worker = await created;
    assert.equal(await worker.evaluate(() => 6 * 7), 42);
    await page.close();
  },

  async fileChooser(browser) {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.multiple = true;
      input.id = 'file';
      document.body.prepend(input);
    });
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
    await page.evaluate(() => {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob(['hello'], { type: 'text/plain' }));
      a.download = 'hello.txt';
      document.body.append(a);
      a.click();
    });
    assert.deepEqual(await done, ['hello.txt']);
    await cdp.detach();
    await page.close();
  },

  async clickCoordinates(browser) {
    const page = await browser.newPage();
    await page.bringToFront();
    await page.goto(pageUrl.replace('click.html', 'geometry.html'));
    await page.click('#target');
    assert.equal(await page.evaluate(() => window.clickAgrees()), 'ok', 'screenX - clientX and screenY - clientY agree with the window');
    await page.close();
  },
};

async function frameOf(page, which) {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f.url().endsWith('?' + which));
    if (frame) return frame;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${which} frame`);
}

run(async () => {
  const session = await createSession(options);
  const browser = await puppeteer.connect({ browserWSEndpoint: session.connect, defaultViewport: null, protocolTimeout: 30000 });
  const failed = [];
  for (const [name, check] of Object.entries(checks)) {
    if (process.env.ONLY && !process.env.ONLY.split(',').includes(name)) continue;
    try {
      await withTimeout(check(browser), name);
    } catch (err) {
      failed.push(`${name}: ${err.message}`);
    }
  }
  await browser.disconnect();
  await stopSession(session.id);
  assert.deepEqual(failed, [], 'every client feature works');
});

// withTimeout fails a check that hangs instead of letting it stall the rest.
function withTimeout(p, name) {
  let timer;
  return Promise.race([p, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(name + ' hung for 20 s')), 20000); })])
    .finally(() => clearTimeout(timer));
}
