// Runs graphql-http's server audits (the GraphQL over HTTP spec's MUST and
// SHOULD rules) against a session's BrowserQL URL, BQL_URL, and prints one
// JSON line per audit: {id, name, status, reason}. The Go test decides.
import { auditServer } from 'graphql-http';

const url = process.env.BQL_URL;
if (!url) throw new Error('BQL_URL is not set');
const results = await auditServer({ url });
for (const r of results) {
  console.log(JSON.stringify({ id: r.id, name: r.name, status: r.status, reason: r.reason ?? '' }));
}
