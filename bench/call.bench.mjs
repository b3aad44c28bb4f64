// `authapi call require-auth` with cached credentials, against the local stack
// (issue 7's figures). One hyperfine run holds every command, so the ratios are
// paired on a noisy machine; NODE_EXTRA_CA_CERTS is unset on both sides.
//   1. call vs `node -e ''`                                   target ≤ 1.5×
//   2. an apig-test-style run (SRP login + Identity Pool
//      exchange on every call) vs call                        target ≥ 5×
//   3. peak RSS of call vs `node -e ''`                       target ≤ 1.5×
// Also timed, to show where the time goes: `authapi --version` (start-up and the
// command table) and `call --dry-run` (+ profile, cached credentials and signing,
// no network). Run: `node scripts/build.mjs && node bench/call.bench.mjs`
// (or `npm run bench -- call`). Needs hyperfine and python3.
import { BIN, ROOT, hyperfine, ms, result } from './lib.mjs';
import { join } from 'node:path';
import { median, peakRssKiB, startStack } from './call-stack.mjs';

const stack = await startStack();
try {
  const apig = join(ROOT, 'bench', 'call-apig-test-style.mjs');
  const [floor, version, dry, call, apigRun] = hyperfine(
    ['node -e ""', `node ${BIN} --version`, `node ${BIN} call require-auth --dry-run`, `node ${BIN} call require-auth`, `node ${apig}`],
    { runs: Number(process.env.RUNS ?? 30), warmup: 3, env: stack.env },
  );
  console.log(`node -e '' ${ms(floor.median)} · --version ${ms(version.median)} · call --dry-run ${ms(dry.median)} · call ${ms(call.median)} · apig-test-style ${ms(apigRun.median)}  (medians)`);
  const r1 = call.median / floor.median;
  result({ measure: "call require-auth (cached credentials) vs node -e ''", ratio: r1, target: '≤ 1.5×', pass: r1 <= 1.5, detail: `${ms(call.median)} vs ${ms(floor.median)}` });
  const r2 = apigRun.median / call.median;
  result({ measure: 'apig-test-style (login + exchange every call) vs call', ratio: r2, target: '≥ 5×', pass: r2 >= 5, detail: `${ms(apigRun.median)} vs ${ms(call.median)}` });

  const rss = (argv) => median(Array.from({ length: 7 }, () => peakRssKiB(argv, stack.env)));
  const rssFloor = rss([process.execPath, '-e', '']);
  const rssCall = rss([process.execPath, BIN, 'call', 'require-auth']);
  console.log(`peak RSS: node -e '' ${(rssFloor / 1024).toFixed(1)} MiB · call ${(rssCall / 1024).toFixed(1)} MiB (medians of 7)`);
  const r3 = rssCall / rssFloor;
  result({ measure: "call peak RSS vs node -e ''", ratio: r3, target: '≤ 1.5×', pass: r3 <= 1.5, detail: `${(rssCall / 1024).toFixed(1)} vs ${(rssFloor / 1024).toFixed(1)} MiB` });
} finally {
  stack.stop();
}
