// A Puppeteer client writes a cookie and localStorage on a sessionql
// session, then leaves the way LEAVE says: "close-tabs" (closes every tab,
// then disconnects), "disconnect" (browser.disconnect()) or "close"
// (browser.close()). It prints the session and the page as JSON on its first line, for the Go test to check
// the server's log and read the state back through BrowserQL.
import puppeteer from 'puppeteer-core';
import { assert, createSession, env, run } from './lib.mjs';

const pageUrl = env('PAGE_URL');
const leave = env('LEAVE');

run(async () => {
  const session = await createSession({ stealth: true }); // BrowserQL runs on stealth sessions
  const browser = await puppeteer.connect({ browserWSEndpoint: session.connect });
  const page = await browser.newPage();
  await page.goto(pageUrl);
  await page.evaluate(() => {
    localStorage.setItem('cart', '[1,2]');
    document.cookie = 'user=ada; max-age=3600';
  });
  // SESSION_COOKIE=1 also writes a session cookie, which Chromium never
  // writes to the profile.
  if (process.env.SESSION_COOKIE === '1') await page.evaluate(() => { document.cookie = 'visit=1'; });
  const extra = await browser.newPage();
  await extra.goto(pageUrl);
  await extra.close();
  switch (leave) {
    case 'close-tabs':
      for (const p of await browser.pages()) await p.close();
      // The server's guard tab, which keeps the session cookies alive, is
      // not the client's to see.
      assert.equal((await browser.pages()).length, 0, 'no page is left');
      {
        const cdp = await browser.target().createCDPSession();
        const { targetInfos } = await cdp.send('Target.getTargets', { filter: [{}] });
        assert.deepEqual(targetInfos.filter((t) => t.type === 'page' || t.type === 'tab'), [], 'Target.getTargets lists no tab');
        await cdp.detach();
      }
      await browser.disconnect();
      break;
    case 'disconnect':
      await browser.disconnect();
      break;
    case 'close':
      await browser.close();
      break;
    default:
      throw new Error(`unknown LEAVE ${leave}`);
  }
  console.log(JSON.stringify({ session, pageUrl }));
});
