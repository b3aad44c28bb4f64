// `call` streams a large body instead of holding it (src/http/client.ts streamBody):
// a 500 MB answer, to the -o file and to stdout, with the peak RSS of the call
// process measured (getrusage of the child). Target: under 100 MB, whatever the body's
// size. The 500 MB come from a small server in a process of its own in front of the
// local stack (GET /prod/big; everything else is forwarded). Run: `node scripts/build.mjs
// && node bench/stream.bench.mjs` (or `npm run bench -- stream`). SIZE_MB sets the size.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, result } from './lib.mjs';
import { peakRssKiB, startStack } from './call-stack.mjs';

const SIZE = Number(process.env.SIZE_MB ?? 500) * 1_000_000;
const TARGET_MIB = 100;

const stack = await startStack();
const server = spawn(process.execPath, ['-e', `
  const http = require('node:http');
  const up = new URL(${JSON.stringify(stack.info.apiUrl)});
  const block = Buffer.alloc(64 * 1024, 'b');
  http.createServer((req, res) => {
    if (req.url.startsWith('/prod/big')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(${SIZE}) });
      let left = ${SIZE};
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, block.length);
          left -= n;
          if (!res.write(n === block.length ? block : block.subarray(0, n))) return res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    const f = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (a) => { res.writeHead(a.statusCode, a.headers); a.pipe(res); });
    req.pipe(f);
  }).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });
`], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
const tmp = mkdtempSync(join(tmpdir(), 'authapi-bench-stream-'));
try {
  const configPath = join(stack.dir, 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  config.profiles.big = { ...config.profiles.local, apiUrl: `http://127.0.0.1:${port}/prod` };
  writeFileSync(configPath, JSON.stringify(config));
  const env = { ...stack.env, AUTHAPI_PROFILE: 'big' };
  const out = join(tmp, 'big.bin');
  const t0 = process.hrtime.bigint();
  const toFile = peakRssKiB([process.execPath, BIN, 'call', '/big', '-o', out], env) / 1024;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const size = statSync(out).size;
  if (size !== SIZE) throw new Error(`-o wrote ${size} bytes, not ${SIZE}`);
  rmSync(out);
  const toStdout = peakRssKiB([process.execPath, BIN, 'call', '/big'], env) / 1024;
  const floor = peakRssKiB([process.execPath, '-e', ''], env) / 1024;
  console.log(`${SIZE / 1e6} MB body: peak RSS -o ${toFile.toFixed(1)} MiB (${(SIZE / 1e6 / secs).toFixed(0)} MB/s), stdout ${toStdout.toFixed(1)} MiB; node -e '' ${floor.toFixed(1)} MiB`);
  const worst = Math.max(toFile, toStdout);
  result({ measure: `call of a ${SIZE / 1e6} MB body (-o and stdout): peak RSS vs ${TARGET_MIB} MiB`, ratio: worst / TARGET_MIB, target: '< 1× (under 100 MiB)', pass: worst < TARGET_MIB,
    detail: `-o ${toFile.toFixed(1)} MiB, stdout ${toStdout.toFixed(1)} MiB` });
} finally {
  server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
  await stack.stop();
}
