// The Playwright features users rely on, on a stealth session (or on a
// plain one with SESSION_OPTIONS={}): exposed functions and bindings after
// navigations and in new pages, init scripts in every new document,
// dialogs, waitForFunction, evaluateHandle, frames, workers, the file
// chooser and downloads. The runtime shim answers Runtime.enable on stealth
// sessions; each check here is one way it could silently break a client.
import { assert, createSession, env, run, stopSession } from './lib.mjs';

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

  async addInitScript(context) {
    const page = await context.newPage();
    await page.addInitScript(() => { window.initRuns = (window.initRuns || 0) + 1; });
    await page.goto(pageUrl);
    assert.equal(await page.evaluate(() => window.initRuns), 1, 'in the first document');
    await page.goto(framesUrl);
    assert.equal(await page.evaluate(() => window.initRuns), 1, 'in the next document');
    const frame = await frameOf(page, 'same');
    assert.equal(await frame.evaluate(() => window.initRuns), 1, 'in a same-site iframe');
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

  async dialog(context) {
    const page = await context.newPage();
    await page.goto(pageUrl);
    const seen = [];
    page.on('dialog', async (d) => { seen.push(d.type() + ':' + d.message()); await d.accept('typed'); });
    assert.equal(await page.evaluate(() => prompt('name?')), 'typed');
    assert.deepEqual(seen, ['prompt:name?']);
    await page.close();
  },

  async waitForFunction(context) {
    const page = await context.newPage();
    await page.goto(pageUrl);
    await page.evaluate(() => setTimeout(() => { window.ready = 42; }, 200));
    const h = await page.waitForFunction(() => window.ready);
    assert.equal(await h.jsonValue(), 42);
    await page.close();
  },

  async evaluateHandle(context) {
    const page = await context.newPage();
    await page.goto(pageUrl);
    const h = await page.evaluateHandle(() => ({ a: 1, b: [2, 3] }));
    assert.deepEqual(await h.jsonValue(), { a: 1, b: [2, 3] });
    assert.equal(await page.evaluate((o) => o.b[1], h), 3);
    const body = await page.evaluateHandle(() => document.body);
    assert.equal(await body.evaluate((b) => b.tagName), 'BODY');
    await page.close();
  },

  async frames(context) {
    const page = await context.newPage();
    await page.goto(framesUrl);
    for (const which of ['same', 'cross']) {
      const frame = await frameOf(page, which);
      await frame.waitForSelector('#where');
      assert.equal(await frame.locator('#where').textContent(), 'frame ' + which);
    }
    await page.close();
  },

  async workers(context) {
    const page = await context.newPage();
    await page.goto(pageUrl);
    const [worker] = await Promise.all([
      page.waitForEvent('worker'),
      page.evaluate(() => {
        window.w = new Worker(URL.createObjectURL(new Blob(['self.onmessage = (e) => postMessage(e.data * 2)'], { type: 'text/javascript' })));
      }),
    ]);
    assert.equal(await worker.evaluate(() => 6 * 7), 42);
    await page.close();
  },

  async fileChooser(context) {
    const page = await context.newPage();
    await page.goto(pageUrl);
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.id = 'file';
      document.body.prepend(input);
    });
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
      page.evaluate(() => {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(new Blob(['hello'], { type: 'text/plain' }));
        a.download = 'hello.txt';
        document.body.append(a);
        a.click();
      }),
    ]);
    assert.equal(download.suggestedFilename(), 'hello.txt');
    assert.equal(await download.failure(), null);
    await page.close();
  },

  async clickCoordinates(context) {
    const page = await context.newPage();
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
  const browser = await chromium.connectOverCDP(session.connect);
  const failed = [];
  for (const [name, check] of Object.entries(checks)) {
    if (process.env.ONLY && !process.env.ONLY.split(',').includes(name)) continue;
    // each check gets a context of its own, so that context-wide bindings
    // and scripts of one do not help another
    const context = await browser.newContext({ viewport: null });
    try {
      await withTimeout(check(context), name);
    } catch (err) {
      failed.push(`${name}: ${err.message}`);
    }
    await context.close().catch(() => {});
  }
  await browser.close();
  await stopSession(session.id);
  assert.deepEqual(failed, [], 'every client feature works');
});

// withTimeout fails a check that hangs instead of letting it stall the rest.
function withTimeout(p, name) {
  let timer;
  return Promise.race([p, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(name + ' hung for 20 s')), 20000); })])
    .finally(() => clearTimeout(timer));
}
