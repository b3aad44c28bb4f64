// The fast `call` entry (dist/call.cjs) must behave like the full CLI on every
// command line it takes: same output, same errors, same exit codes.
import { describe, expect, it } from 'vitest';
import { runCallCli } from '../src/call-main.js';
import { runCli } from '../src/cli.js';
import { testIO } from '../src/io.js';
import { tempDir, writeProfiles } from './helpers/cli.js';

async function both(argv: string[], env: NodeJS.ProcessEnv) {
  const run = async (fn: typeof runCli) => {
    const io = testIO();
    const code = await fn(argv, { io, env });
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  };
  return { fast: await run(async (a, o) => (await runCallCli(a, o))!), full: await run(runCli) };
}

describe('call-main: the fast entry', () => {
  it('answers like the full CLI: missing profile, bad method, bad header, a URL outside the API', async () => {
    const dir = tempDir();
    writeProfiles(dir, { p: {
      region: 'eu-west-1', userPoolId: 'eu-west-1_abc', userPoolClientId: 'client', identityPoolId: 'eu-west-1:00000000-0000-0000-0000-000000000000',
      apiUrl: 'http://127.0.0.1:9/prod', apiKey: 'k'.repeat(20),
    } });
    const env = { AUTHAPI_CONFIG_DIR: dir };
    for (const argv of [
      ['call', 'no-auth'],
      ['-p', 'p', 'call', 'no-auth', '-X', 'P OST'],
      ['--profile=p', 'call', 'no-auth', '-H', 'no colon'],
      ['call', 'https://elsewhere.example.com/x', '-p', 'p', '-v', '--no-color'],
    ]) {
      const { fast, full } = await both(argv, env);
      expect(fast.code, JSON.stringify(argv)).toBeGreaterThan(0);
      expect(fast, JSON.stringify(argv)).toEqual(full);
    }
  });

  it('leaves command lines it does not take to the full CLI', async () => {
    expect(await runCallCli(['call', '--help'], { io: testIO(), env: {} })).toBeUndefined();
    expect(await runCallCli(['status'], { io: testIO(), env: {} })).toBeUndefined();
  });
});
