// The baseline `batch` is measured against: the least code that sends N signed GETs
// over an undici Pool at a given concurrency (aws4 for SigV4), with credentials
// handed in through the environment (AWS_ACCESS_KEY_ID/…, from `authapi credentials`).
// Usage: node bench/batch-minimal-undici.mjs N CONCURRENCY   (AUTHAPI_CONFIG_DIR set)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aws4 from 'aws4';
import { Pool } from 'undici';

const [n, concurrency] = process.argv.slice(2).map(Number);
const p = JSON.parse(readFileSync(join(process.env.AUTHAPI_CONFIG_DIR, 'config.json'), 'utf8')).profiles.local;
const url = new URL(`${p.apiUrl}/require-auth`);
const creds = { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY, sessionToken: process.env.AWS_SESSION_TOKEN };
const pool = new Pool(url.origin, { connections: concurrency });
let next = 0;
let ok = 0;
async function worker() {
  while (next < n) {
    next += 1;
    const s = aws4.sign({ host: url.host, path: url.pathname, service: 'execute-api', region: p.region, headers: { 'x-api-key': p.apiKey } }, creds);
    const res = await pool.request({ method: 'GET', path: s.path, headers: s.headers });
    await res.body.text();
    if (res.statusCode === 200) ok += 1;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
await pool.close();
if (ok !== n) throw new Error(`${n - ok} of ${n} requests failed`);
