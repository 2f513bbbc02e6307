// Cluster mode: a session live on its owner node (OWNER_URL) is used
// through another node (SESSIONQL_URL), which forwards REST, BrowserQL and
// the CDP WebSocket to the owner. Puppeteer and Playwright work unchanged.
import puppeteer from 'puppeteer-core';
import { chromium } from 'playwright-core';
import { assert, bql, env, run } from './lib.mjs';

const owner = env('OWNER_URL').replace(/\/$/, '');
const forwarder = env('SESSIONQL_URL').replace(/\/$/, '');
const pageUrl = env('PAGE_URL');

// through rewrites a URL of the owner to the forwarding node.
const through = (u) => {
  const url = new URL(u);
  const f = new URL(forwarder);
  url.host = f.host;
  return url.toString();
};

run(async () => {
  const list = await (await fetch(`${owner}/sessions`)).json();
  const session = (await (await fetch(`${owner}/sessions/${list.sessions[0].id}`)).json());
  const viaForwarder = { ...session, browserQL: through(session.browserQL), connect: through(session.connect) };
  await bql(session, `mutation { goto(url: "${pageUrl}") { status } }`); // live on the owner

  const pp = await puppeteer.connect({ browserWSEndpoint: viaForwarder.connect });
  const page = await pp.newPage();
  await page.goto(pageUrl);
  await page.evaluate(() => {
    localStorage.setItem('pp', 'forwarded');
    document.cookie = 'pp=1; max-age=600';
  });
  const seen = await bql(viaForwarder, `mutation R($u: String!) { goto(url: $u) { status } evaluate(content: "return localStorage.getItem('pp');") { value } }`, { u: pageUrl });
  assert.equal(seen.evaluate.value, 'forwarded', 'BrowserQL through the forwarder sees what Puppeteer wrote');
  await page.close();

  const pw = await chromium.connectOverCDP(viaForwarder.connect); // while Puppeteer keeps the session busy
  await pp.disconnect();
  const context = pw.contexts()[0];
  const cookies = await context.cookies(pageUrl);
  assert.ok(cookies.some((c) => c.name === 'pp' && c.value === '1'), `Playwright sees the cookie: ${JSON.stringify(cookies)}`);
  const p2 = await context.newPage();
  await p2.goto(pageUrl);
  assert.equal(await p2.evaluate(() => localStorage.getItem('pp')), 'forwarded');
  await p2.close();
  await pw.close();
});
