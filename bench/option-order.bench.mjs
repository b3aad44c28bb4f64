// Option order never costs speed: `authapi --profile local call require-auth` (the
// order the README uses) must take the same fast path — dist/call.cjs and its code
// cache — as `authapi call require-auth --profile local`. Both run interleaved (A B C
// A B C …) against the local stack with cached credentials (bench/call-stack.mjs),
// with `--profile=local` before the command as a third form, the first form again
// as a control, and `node -e ''` as the
// floor. Target: the two orders within 5% of each other either way, as the median of
// the wall-time ratios paired round by round (the two run back to back in each round,
// so a burst of load from other processes hits both); the ratio of median CPU times,
// steadier still on a busy machine, is printed beside it. Run: `npm run bench -- option-order`. RUNS sets the runs per command (40).
import { BIN, ms, result } from './lib.mjs';
import { interleaved, median, startStack } from './call-stack.mjs';

const stack = await startStack();
try {
  const node = process.execPath;
  const forms = [
    ['--profile', 'local', 'call', 'require-auth'],
    ['call', 'require-auth', '--profile', 'local'],
    ['--profile=local', 'call', 'require-auth'],
    // The first form again, last in each round: what the same command differs from itself
    // on this machine (the noise floor the 5% is read against).
    ['--profile', 'local', 'call', 'require-auth'],
  ];
  const [floor, ...timed] = interleaved([[node, '-e', ''], ...forms.map((f) => [node, BIN, ...f])], { runs: Number(process.env.RUNS ?? 40), warmup: 3, env: stack.env, rotate: true });
  const label = (i) => `authapi ${forms[i].join(' ')}`;
  timed.forEach((t, i) => console.log(`${label(i)}: ${ms(t.wall)} (cpu ${ms(t.cpu)}), ${(t.wall / floor.wall).toFixed(2)}× node -e '' (${ms(floor.wall)})`));
  const [before, after] = timed;
  const ratio = median(before.walls.map((w, i) => w / after.walls[i]));
  const cpuRatio = before.cpu / after.cpu;
  const control = median(before.walls.map((w, i) => w / timed[3].walls[i]));
  result({
    measure: '`--profile local call require-auth` vs `call require-auth --profile local`',
    ratio,
    target: '≤ 1.05× either way',
    pass: ratio <= 1.05 && ratio >= 1 / 1.05,
    detail: `medians ${ms(before.wall)} vs ${ms(after.wall)}, paired ${ratio.toFixed(3)}×, cpu ${cpuRatio.toFixed(3)}×; --profile=local first ${ms(timed[2].wall)}; the first form vs itself ${control.toFixed(3)}×`,
  });
} finally {
  await stack.stop();
}
