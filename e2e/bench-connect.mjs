// Benchmark, not a test: Puppeteer's connect + newPage + goto + evaluate +
// close the page + disconnect, ITERATIONS times against a session's connect
// URL and against a Chromium that Puppeteer reaches directly, alternating,
// in one run; then the reconnect latency (connect + disconnect) of both.
// The Go benchmark BenchmarkCDPConnect starts both and runs this script:
//
//   go test ./api -run '^$' -bench CDPConnect -benchtime 1x
//
//   CONNECT_URL  the session's connect URL
//   DIRECT_URL   the directly launched Chromium's browser WebSocket URL
//   PAGE_URL     a local page to load
//   ITERATIONS   cycles per endpoint (default 50)
//
// It prints one JSON object with the timings in milliseconds.
import puppeteer from 'puppeteer-core';
import { env } from './lib.mjs';

const endpoints = { connect: env('CONNECT_URL'), direct: env('DIRECT_URL') };
const pageUrl = env('PAGE_URL');
const iterations = Number(process.env.ITERATIONS ?? 50);

async function cycle(endpoint) {
  const start = performance.now();
  const browser = await puppeteer.connect({ browserWSEndpoint: endpoint });
  const page = await browser.newPage();
  await page.goto(pageUrl);
  await page.evaluate(() => document.title);
  await page.close();
  await browser.disconnect();
  return performance.now() - start;
}

async function reconnect(endpoint) {
  const start = performance.now();
  const browser = await puppeteer.connect({ browserWSEndpoint: endpoint });
  await browser.version();
  await browser.disconnect();
  return performance.now() - start;
}

// measure runs fn on both endpoints n times, alternating which goes first,
// so that drift in the machine's load hits both alike.
async function measure(fn, n) {
  const times = { connect: [], direct: [] };
  for (let i = 0; i < n; i++) {
    const order = i % 2 ? ['connect', 'direct'] : ['direct', 'connect'];
    for (const name of order) times[name].push(await fn(endpoints[name]));
  }
  return times;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const stats = (xs) => ({ mean: mean(xs), median: quantile(xs, 0.5), p90: quantile(xs, 0.9) });

await measure(cycle, 3); // warm both: processes, caches, the page's HTTP cache
const cycles = await measure(cycle, iterations);
const reconnects = await measure(reconnect, iterations);
console.log(
  JSON.stringify({
    iterations,
    cycle: { connect: stats(cycles.connect), direct: stats(cycles.direct), ratio: mean(cycles.connect) / mean(cycles.direct) },
    reconnect: { connect: stats(reconnects.connect), direct: stats(reconnects.direct), ratio: mean(reconnects.connect) / mean(reconnects.direct) },
  }),
);
