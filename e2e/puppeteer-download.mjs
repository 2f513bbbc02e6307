// A Puppeteer client asks for downloads in OUTSIDE, a folder outside the
// session, with Browser.setDownloadBehavior and Page.setDownloadBehavior,
// then downloads a file from files.html beside PAGE_URL. It prints the
// session and what the browser said of the download as JSON on its first
// line; the Go test checks where the file landed.
import puppeteer from 'puppeteer-core';
import { assert, createSession, env, run } from './lib.mjs';

const filesUrl = new URL('files.html', env('PAGE_URL')).href;
const outside = env('OUTSIDE');

run(async () => {
  const session = await createSession();
  const browser = await puppeteer.connect({ browserWSEndpoint: session.connect });
  const cdp = await browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: outside, eventsEnabled: true });
  const page = await browser.newPage();
  const pageCDP = await page.createCDPSession();
  await pageCDP.send('Page.setDownloadBehavior', { behavior: 'allow', downloadPath: outside });
  await page.goto(filesUrl);
  const done = new Promise((resolve) => {
    cdp.on('Browser.downloadProgress', (e) => {
      if (e.state !== 'inProgress') resolve(e);
    });
  });
  await page.click('#attachment');
  const progress = await done;
  assert.equal(progress.state, 'completed');
  console.log(JSON.stringify({ session, progress }));
  await browser.disconnect();
});
