// `authapi call require-auth` with cached credentials, against the local stack
// (issue 7's figures). "Cached" is what users get by default: the credentials agent is
// warm (started by the warm-up call in call-stack.mjs), so no keychain on the hot path;
// the file store by default, the OS keychain with AUTHAPI_BENCH_STORE=keychain under
// scripts/with-keyring.sh, no agent with AUTHAPI_BENCH_AGENT=0. The commands run interleaved in one loop (A B C A B C …), so
// the ratios are paired even on a busy shared machine; medians of wall time (and of
// CPU time, steadier under load) are reported. NODE_EXTRA_CA_CERTS is unset on both sides.
//   1. call vs `node -e ''`                                   target ≤ 1.5×
//   2. an apig-test-style run (SRP login + Identity Pool
//      exchange on every call) vs call                        target ≥ 5×
//   3. peak RSS of call vs `node -e ''`                       target ≤ 1.5×
// Also timed, to show where the time goes: `require('node:net')` alone (what any
// connection costs), loading dist/call.cjs without running it, and `call --dry-run`
// (+ the launcher, profile and the agent's signature, no network). Run: `node scripts/build.mjs && node bench/call.bench.mjs`
// (or `npm run bench -- call`). Needs python3. RUNS sets the runs per command (30).
import { BIN, ROOT, ms, result } from './lib.mjs';
import { join } from 'node:path';
import { interleaved, median, peakRssKiB, startStack } from './call-stack.mjs';

const stack = await startStack();
try {
  const apig = join(ROOT, 'bench', 'call-apig-test-style.mjs');
  const callBundle = join(ROOT, 'dist', 'call.cjs');
  const node = process.execPath;
  const [floor, netOnly, bundle, dry, call, apigRun] = interleaved(
    [[node, '-e', ''], [node, '-e', "require('node:net')"], [node, '-e', `require(${JSON.stringify(callBundle)})`],
      [node, BIN, 'call', 'require-auth', '--dry-run'], [node, BIN, 'call', 'require-auth'], [node, apig]],
    { runs: Number(process.env.RUNS ?? 30), warmup: 3, env: stack.env },
  );
  const both = (x) => `${ms(x.wall)} (cpu ${ms(x.cpu)})`;
  console.log(`store: ${stack.store}; credentials agent: ${stack.agentPid ? `warm (pid ${stack.agentPid})` : 'off'}`);
  console.log(`medians, interleaved: node -e '' ${both(floor)} · require('node:net') ${both(netOnly)} · load dist/call.cjs ${both(bundle)} · call --dry-run ${both(dry)} · call ${both(call)} · apig-test-style ${both(apigRun)}`);
  const x = (a) => `${(a.wall / floor.wall).toFixed(2)}× (cpu ${(a.cpu / floor.cpu).toFixed(2)}×)`;
  console.log(`where the time goes, vs node -e '': node:net alone ${x(netOnly)} · loading dist/call.cjs (no code cache) ${x(bundle)} · launcher, profile, agent signing (--dry-run) ${x(dry)} · + connection and round trip (call) ${x(call)}`);
  const r1 = call.wall / floor.wall;
  result({ measure: "call require-auth (cached credentials) vs node -e ''", ratio: r1, target: '≤ 1.5×', pass: r1 <= 1.5, detail: `${ms(call.wall)} vs ${ms(floor.wall)} wall; cpu ${(call.cpu / floor.cpu).toFixed(2)}×` });
  const r2 = apigRun.wall / call.wall;
  result({ measure: 'apig-test-style (login + exchange every call) vs call', ratio: r2, target: '≥ 5×', pass: r2 >= 5, detail: `${ms(apigRun.wall)} vs ${ms(call.wall)}` });

  const rss = (argv) => median(Array.from({ length: 7 }, () => peakRssKiB(argv, stack.env)));
  const rssFloor = rss([process.execPath, '-e', '']);
  const rssCall = rss([process.execPath, BIN, 'call', 'require-auth']);
  console.log(`peak RSS: node -e '' ${(rssFloor / 1024).toFixed(1)} MiB · call ${(rssCall / 1024).toFixed(1)} MiB (medians of 7)`);
  const r3 = rssCall / rssFloor;
  result({ measure: "call peak RSS vs node -e ''", ratio: r3, target: '≤ 1.5×', pass: r3 <= 1.5, detail: `${(rssCall / 1024).toFixed(1)} vs ${(rssFloor / 1024).toFixed(1)} MiB` });
  // What a proxy costs (informational: it costs what it costs). The same call through
  // tinyproxy (absolute form, plain HTTP to the local stack) vs direct; both run
  // through env(1) so they pay the same exec.
  const proxy = await startTinyproxy();
  if (proxy) {
    try {
      const [direct, proxied] = interleaved([['env', process.execPath, BIN, 'call', 'require-auth'],
        ['env', `HTTP_PROXY=http://127.0.0.1:${proxy.port}`, process.execPath, BIN, 'call', 'require-auth']], { runs: Number(process.env.RUNS ?? 30), warmup: 3, env: stack.env });
      const r4 = proxied.wall / direct.wall;
      console.log(`through tinyproxy: ${ms(proxied.wall)} (cpu ${ms(proxied.cpu)}) vs direct ${ms(direct.wall)} (cpu ${ms(direct.cpu)})`);
      result({ measure: 'call through an HTTP proxy (tinyproxy) vs direct', ratio: r4, target: '— (informational)', pass: true, detail: `${ms(proxied.wall)} vs ${ms(direct.wall)}; cpu ${(proxied.cpu / direct.cpu).toFixed(2)}×` });
    } finally {
      proxy.stop();
    }
  } else console.log('tinyproxy not installed: the proxied call is not measured');
} finally {
  await stack.stop();
}

/** tinyproxy on a free port (undefined when it is not installed). */
async function startTinyproxy() {
  const { spawn, spawnSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const net = await import('node:net');
  if (spawnSync('tinyproxy', ['-v'], { stdio: 'ignore' }).error) return undefined;
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  const dir = mkdtempSync(join(tmpdir(), 'authapi-bench-proxy-'));
  writeFileSync(join(dir, 'conf'), `Port ${port}\nListen 127.0.0.1\nTimeout 30\nLogLevel Error\nLogFile "${join(dir, 'log')}"\nMaxClients 64\nAllow 127.0.0.1\n`);
  const child = spawn('tinyproxy', ['-d', '-c', join(dir, 'conf')], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    const up = await new Promise((r) => net.connect(port, '127.0.0.1').once('connect', function () { this.destroy(); r(true); }).once('error', () => r(false)));
    if (up) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return { port, stop: () => { child.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); } };
}
