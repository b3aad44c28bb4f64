// `authapi login --browser` against the emulator's managed login, next to the SRP
// login, in one hyperfine run (paired). The browser step is automated by
// test/helpers/oauth-form-agent.mjs (BROWSER points at it): a Node process that
// fetches the pages and posts the form, so its own start-up (~40 ms) is inside the
// browser figure — a person's browser takes seconds; this measures authapi's side:
// listener, opener, code exchange, Identity Pool, storing the session.
// Run: `node scripts/build.mjs && node bench/login-browser.bench.mjs` (or `npm run bench -- login-browser`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, hyperfine, ms, result } from './lib.mjs';
import { startStack } from './call-stack.mjs';

const stack = await startStack();
try {
  const config = JSON.parse(readFileSync(join(stack.dir, 'config.json'), 'utf8'));
  // The emulator serves managed login at its root; the template's default callback ports.
  config.profiles.local.loginUrl = stack.info.endpoints.cognitoIdp;
  writeFileSync(join(stack.dir, 'config.json'), JSON.stringify(config));
  const agent = join(ROOT, 'test', 'helpers', 'oauth-form-agent.mjs');
  const env = { ...stack.env, AUTHAPI_AGENT: '0', AUTHAPI_PASSWORD: 'demoPASS123', BROWSER: `${process.execPath} ${agent}` };
  const [floor, srp, browser] = hyperfine(
    ['node -e ""', `node ${BIN} login -u demouser`, `node ${BIN} login --browser`],
    { runs: Number(process.env.RUNS ?? 15), warmup: 2, env },
  );
  console.log(`node -e '' ${ms(floor.median)} · authapi login (SRP) ${ms(srp.median)} · authapi login --browser (automated browser) ${ms(browser.median)}  (medians)`);
  const r = browser.median / srp.median;
  result({ measure: 'authapi login --browser (automated) vs SRP login', ratio: r, target: 'report', pass: true, detail: `${ms(browser.median)} vs ${ms(srp.median)}` });
} finally {
  await stack.stop();
}
