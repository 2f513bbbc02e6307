// Helpers shared by the end-to-end scripts: the server's REST API, checks
// that fail the script, and the environment the Go tests pass in.
//
//   SESSIONQL_URL    the server, e.g. http://127.0.0.1:3000 (required)
//   SESSIONQL_TOKEN  the server's token, when auth is on
//   PAGE_URL         a page on a local origin to store state on (required)

import assert from 'node:assert/strict';

export { assert };

export function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

const base = () => env('SESSIONQL_URL').replace(/\/$/, '');
const auth = () => (process.env.SESSIONQL_TOKEN ? { Authorization: `Bearer ${process.env.SESSIONQL_TOKEN}` } : {});

// rest calls the REST API and returns the decoded body, or throws with the
// server's error.
export async function rest(method, path, body) {
  const res = await fetch(base() + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...auth() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export const createSession = (options = {}) => rest('POST', '/session', options);
export const getSession = (id) => rest('GET', `/sessions/${id}`);
export const stopSession = (id) => rest('DELETE', `/sessions/${id}`);

// bql runs a GraphQL request on a session and throws on any error.
export async function bql(session, query, variables = {}) {
  const res = await fetch(session.browserQL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const out = await res.json();
  if (res.status !== 200 || out.errors) throw new Error(`BQL ${res.status}: ${JSON.stringify(out)}`);
  return out.data;
}

// run runs a script's main and exits non-zero, with the error, on failure.
export function run(main) {
  main().then(
    () => {
      console.log('ok');
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
