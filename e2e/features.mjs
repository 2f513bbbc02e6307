// What the stealth-features scripts share: the checks whose code is the
// same for Puppeteer and Playwright pages, finding a frame of
// testdata/pages/frames.html, and the runner that runs each check and
// reports every one that failed.
//
//   ONLY  comma-separated names of the checks to run (all by default)

import { assert } from './lib.mjs';

// commonChecks are the checks that take any client's page: newPage opens
// one, url names a page of testdata/pages, and initScript names the page's
// method that adds a script to every new document (Puppeteer's
// evaluateOnNewDocument, Playwright's addInitScript).
export function commonChecks(newPage, url, initScript) {
  return {
    async [initScript]() {
      const page = await newPage();
      await page[initScript](() => { window.initRuns = (window.initRuns || 0) + 1; });
      await page.goto(url('click.html'));
      assert.equal(await page.evaluate(() => window.initRuns), 1, 'in the first document');
      await page.goto(url('frames.html'));
      assert.equal(await page.evaluate(() => window.initRuns), 1, 'in the next document');
      const frame = await frameOf(page, 'same');
      assert.equal(await frame.evaluate(() => window.initRuns), 1, 'in a same-site iframe');
      await page.close();
    },

    async frames() {
      const page = await newPage();
      await page.goto(url('frames.html'));
      for (const which of ['same', 'cross']) {
        const frame = await frameOf(page, which);
        await frame.waitForSelector('#where');
        assert.equal(await frame.evaluate(() => document.querySelector('#where').textContent), 'frame ' + which);
      }
      await page.close();
    },

    async dialog() {
      const page = await newPage();
      await page.goto(url('click.html'));
      const seen = [];
      page.on('dialog', async (d) => { seen.push(d.type() + ':' + d.message()); await d.accept('typed'); });
      assert.equal(await page.evaluate(() => prompt('name?')), 'typed');
      assert.deepEqual(seen, ['prompt:name?']);
      await page.close();
    },

    async waitForFunction() {
      const page = await newPage();
      await page.goto(url('click.html'));
      await page.evaluate(() => setTimeout(() => { window.ready = 42; }, 200));
      const h = await page.waitForFunction(() => window.ready);
      assert.equal(await h.jsonValue(), 42);
      await page.close();
    },

    async evaluateHandle() {
      const page = await newPage();
      await page.goto(url('click.html'));
      const h = await page.evaluateHandle(() => ({ a: 1, b: [2, 3] }));
      assert.deepEqual(await h.jsonValue(), { a: 1, b: [2, 3] });
      assert.equal(await page.evaluate((o) => o.b[1], h), 3);
      const body = await page.evaluateHandle(() => document.body);
      assert.equal(await body.evaluate((b) => b.tagName), 'BODY');
      await page.close();
    },

    // a real click's screenX - clientX and screenY - clientY agree with
    // the window's position and chrome (testdata/pages/geometry.html)
    async clickCoordinates() {
      const page = await newPage();
      await page.bringToFront();
      await page.goto(url('geometry.html'));
      await page.click('#target');
      assert.equal(await page.evaluate(() => window.clickAgrees()), 'ok', 'screenX - clientX and screenY - clientY agree with the window');
      await page.close();
    },
  };
}

// startWorker, addFileInput and downloadHello run in a page: they start a
// dedicated worker, add an <input type=file id=file> at the top, and
// download hello.txt through a link.
export function startWorker() {
  window.w = new Worker(URL.createObjectURL(new Blob(['self.onmessage = (e) => postMessage(e.data * 2)'], { type: 'text/javascript' })));
}

export function addFileInput(multiple) {
  const input = document.createElement('input');
  input.type = 'file';
  input.multiple = multiple;
  input.id = 'file';
  document.body.prepend(input);
}

export function downloadHello() {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob(['hello'], { type: 'text/plain' }));
  a.download = 'hello.txt';
  document.body.append(a);
  a.click();
}

// frameOf waits for the frame of a page whose URL ends in ?which.
export async function frameOf(page, which) {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f.url().endsWith('?' + which));
    if (frame) return frame;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${which} frame`);
}

// runChecks runs each check (those ONLY names) with arg(), then done(arg),
// and fails with the list of those that failed or hung for 20 s.
export async function runChecks(checks, arg, done) {
  const failed = [];
  for (const [name, check] of Object.entries(checks)) {
    if (process.env.ONLY && !process.env.ONLY.split(',').includes(name)) continue;
    const a = await arg();
    let timer;
    const hung = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(name + ' hung for 20 s')), 20000); });
    try {
      await Promise.race([check(a), hung]);
    } catch (err) {
      failed.push(`${name}: ${err.message}`);
    }
    clearTimeout(timer);
    await done(a);
  }
  assert.deepEqual(failed, [], 'every client feature works');
}
