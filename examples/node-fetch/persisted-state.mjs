// The persisted-state workflow with Node's fetch: create a stealth session,
// toggle dark mode on a docs page it serves itself, read the theme back in a
// second request, stop. Needs a running sessionql (scripts/run.sh).
//   SESSIONQL=http://127.0.0.1:3000 TOKEN=... node examples/node-fetch/persisted-state.mjs
import http from 'node:http';

const server = process.env.SESSIONQL ?? 'http://127.0.0.1:3000';
const headers = { 'Content-Type': 'application/json' };
if (process.env.TOKEN) headers.Authorization = `Bearer ${process.env.TOKEN}`;

// A docs page whose button stores the theme in localStorage, like Docusaurus.
const page = `<!doctype html><title>Docs</title>
<div class="toggle_vylO colorModeToggle_x44X"><button>Toggle</button></div>
<script>
  document.querySelector('button').onclick = () => {
    const next = localStorage.getItem('theme') === 'dark' ? 'light' : 'dark';
    localStorage.setItem('theme', next);
  };
</script>`;
const site = http.createServer((req, res) => res.end(page)).listen(0, '127.0.0.1');
await new Promise((ok) => site.once('listening', ok));
const docs = `http://127.0.0.1:${site.address().port}/docs`;

async function call(url, init) {
  const res = await fetch(url, { headers, ...init });
  const body = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}
const bql = (url, query) => call(url, { method: 'POST', body: JSON.stringify({ query }) });

try {
  const session = await call(`${server}/session`, { method: 'POST', body: JSON.stringify({ ttl: 300000, stealth: true }) });
  console.log('session', session.id);
  await bql(session.browserQL, `mutation SetDarkMode {
    goto(url: "${docs}", waitUntil: networkIdle) { status }
    click(selector: "div.toggle_vylO.colorModeToggle_x44X > button") { time }
  }`);
  const read = await bql(session.browserQL, `mutation {
    goto(url: "${docs}") { status }
    theme: evaluate(content: "return localStorage.getItem('theme');") { value }
  }`);
  console.log('theme after the toggle:', read.data.theme.value);
  await call(session.stop, { method: 'DELETE' });
  console.log('stopped');
  if (read.data.theme.value !== 'dark') process.exitCode = 1;
} finally {
  site.close();
}
