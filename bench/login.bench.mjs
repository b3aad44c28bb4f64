// `authapi login` against the local stack (issue 6's figures). One hyperfine run
// holds both commands, so the ratio is paired on a noisy machine; NODE_EXTRA_CA_CERTS
// is unset on both sides and the emulator runs in a process of its own.
//   1. authapi login (SRP + Identity Pool + storing the session) vs a minimal script
//      doing the same SRP + identity exchange with the same libraries   target ≤ 1.3×
//   2. CPU time of one client-side SRP login (the three 3072-bit exponentiations and
//      the hashing), median of 20, with amazon-cognito-identity-js's jsbn helper for
//      comparison (3 runs).
// The store is the 0600 file (a headless bench machine has no Secret Service).
// Run: `node scripts/build.mjs && node bench/login.bench.mjs` (or `npm run bench -- login`).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BIN, ROOT, hyperfine, ms, result } from './lib.mjs';
import { median, startStack } from './call-stack.mjs';

// Inside the repository (.tmp/ is git-ignored), rebuilt each run.
const srpBundle = join(ROOT, '.tmp', 'bench-login', 'srp.cjs');
await build({ entryPoints: [join(ROOT, 'src/auth/srp-client.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: srpBundle, logLevel: 'warning' });

// 2. SRP CPU per login, in this process (no network: a synthetic server answer).
{
  const require = createRequire(import.meta.url);
  const { startSrp, passwordClaim } = require(srpBundle);
  const { randomBytes } = await import('node:crypto');
  const challenge = () => ({
    SALT: randomBytes(16).toString('hex'),
    SRP_B: randomBytes(384).toString('hex').replace(/^0+/, '1'),
    SECRET_BLOCK: randomBytes(64).toString('base64'),
    USER_ID_FOR_SRP: 'demouser',
  });
  const cpu = (fn) => {
    const t = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t);
    return (d.user + d.system) / 1000;
  };
  for (let i = 0; i < 3; i++) cpu(() => passwordClaim(startSrp(), challenge(), 'us-east-1_Bench', 'demoPASS123', new Date()));
  const ours = median(Array.from({ length: 20 }, () => cpu(() => passwordClaim(startSrp(), challenge(), 'us-east-1_Bench', 'demoPASS123', new Date()))));
  const Helper = require('amazon-cognito-identity-js/lib/AuthenticationHelper.js').default;
  const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger.js').default;
  const jsbn = median(await Promise.all(Array.from({ length: 3 }, () => new Promise((resolve, reject) => {
    const t = process.cpuUsage();
    const h = new Helper('Bench');
    const c = challenge();
    h.getLargeAValue(() => h.getPasswordAuthenticationKey('demouser', 'demoPASS123', new BigInteger(c.SRP_B, 16), new BigInteger(c.SALT, 16), (err) => {
      if (err) return reject(err);
      const d = process.cpuUsage(t);
      resolve((d.user + d.system) / 1000);
    }));
  }))));
  console.log(`client SRP CPU per login: ${ours.toFixed(1)} ms (native BigInt, median of 20) · amazon-cognito-identity-js (jsbn): ${jsbn.toFixed(0)} ms (median of 3)`);
  result({ measure: 'client SRP CPU per login vs amazon-cognito-identity-js', ratio: ours / jsbn, target: 'report', pass: true, detail: `${ours.toFixed(1)} ms vs ${jsbn.toFixed(0)} ms CPU` });
}

// 1. login vs the minimal script, as whole processes against the local stack.
const stack = await startStack();
try {
  const env = { ...stack.env, AUTHAPI_PASSWORD: 'demoPASS123', AUTHAPI_BENCH_SRP: srpBundle };
  const minimal = join(ROOT, 'bench', 'login-minimal.mjs');
  const [floor, mini, login] = hyperfine(
    ['node -e ""', `node ${minimal}`, `node ${BIN} login -u demouser`],
    { runs: Number(process.env.RUNS ?? 20), warmup: 3, env },
  );
  console.log(`node -e '' ${ms(floor.median)} · minimal SRP + identity script ${ms(mini.median)} · authapi login ${ms(login.median)}  (medians)`);
  const r = login.median / mini.median;
  result({ measure: 'authapi login vs minimal SRP + identity script', ratio: r, target: '≤ 1.3×', pass: r <= 1.3, detail: `${ms(login.median)} vs ${ms(mini.median)}` });
} finally {
  stack.stop();
}
