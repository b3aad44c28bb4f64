// `npm run bench`: runs every bench/*.bench.mjs in turn (each prints its figures),
// then prints one table of measure, ratio, target and verdict.
import { spawnSync } from 'node:child_process';
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, benchEnv } from './lib.mjs';

const only = process.argv.slice(2);
const files = readdirSync(join(ROOT, 'bench')).filter((f) => f.endsWith('.bench.mjs') && (!only.length || only.some((o) => f.includes(o)))).sort();
const rows = [];
for (const f of files) {
  process.stderr.write(`\n== ${f}\n`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', f)], { env: benchEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('RESULT ')) rows.push({ file: f, ...JSON.parse(line.slice(7)) });
    else if (line) process.stderr.write(line + '\n');
  }
  if (r.status !== 0) rows.push({ file: f, measure: `${f} failed (exit ${r.status})`, ratio: NaN, target: '-', pass: false });
}
const table = [['measure', 'ratio', 'target', 'verdict', 'detail'], ...rows.map((r) => [r.measure, Number.isNaN(r.ratio) ? '-' : `${r.ratio}×`, r.target, r.pass ? 'ok' : 'MISS', r.detail ?? ''])];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
console.log('\n' + table.map((row) => row.map((c, i) => String(c).padEnd(widths[i])).join('  ')).join('\n'));
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify({ node: process.version, date: new Date().toISOString(), rows }, null, 2));
