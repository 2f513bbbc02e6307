// Puppeteer on a persistent sessionql session: create the session over REST,
// put a cart in localStorage and a cookie, disconnect, reconnect and read them
// back, then stop the session. It serves the page it uses itself.
//   npm ci && SESSIONQL=http://127.0.0.1:3000 TOKEN=... node index.mjs
import http from 'node:http';
import puppeteer from 'puppeteer-core';

const server = process.env.SESSIONQL ?? 'http://127.0.0.1:3000';
const headers = { 'Content-Type': 'application/json' };
if (process.env.TOKEN) headers.Authorization = `Bearer ${process.env.TOKEN}`;

const shop = http.createServer((req, res) => res.end('<!doctype html><title>Shop</title><h1>Shop</h1>')).listen(0, '127.0.0.1');
await new Promise((ok) => shop.once('listening', ok));
const shopUrl = `http://127.0.0.1:${shop.address().port}/`;

async function call(url, init) {
  const res = await fetch(url, { headers, ...init });
  const body = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

try {
  const session = await call(`${server}/session`, { method: 'POST', body: JSON.stringify({ ttl: 300000 }) });
  console.log('session', session.id);

  let browser = await puppeteer.connect({ browserWSEndpoint: session.connect });
  const page = await browser.newPage();
  await page.goto(shopUrl);
  await page.evaluate(() => {
    localStorage.setItem('cart', JSON.stringify([1, 2]));
    document.cookie = 'user=ada; max-age=86400';
  });
  await browser.disconnect(); // the session and its browser stay; so would browser.close()

  browser = await puppeteer.connect({ browserWSEndpoint: session.connect });
  const again = await browser.newPage();
  await again.goto(shopUrl);
  const [cart, cookie] = await again.evaluate(() => [localStorage.getItem('cart'), document.cookie]);
  console.log('after reconnecting: cart', cart, 'cookie', cookie);
  await browser.disconnect();

  await call(session.stop, { method: 'DELETE' });
  console.log('stopped');
  if (cart !== '[1,2]' || cookie !== 'user=ada') process.exitCode = 1;
} finally {
  shop.close();
}
