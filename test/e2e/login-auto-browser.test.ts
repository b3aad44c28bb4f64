// `authapi login` with no --browser against an app client that has no SRP flow, only
// the code flow (a template variant): the pool refuses USER_SRP_AUTH, and authapi
// signs in through the browser by itself, saying so — at a terminal. Without one it
// must not wait for a browser: it says what to run. The built binary, the emulator,
// the stand-in browser of login-browser.test.ts; a real terminal from tmux.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { profileFromLocalInfo } from '../../src/commands/local.js';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import type { Profile } from '../../src/config/profile.js';
import { BIN, ROOT, runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { codeOnlyTemplate } from '../helpers/code-only-template.js';
import { freeLoopbackPort } from '../helpers/oauth-free-port.js';
import { TmuxSession, hasTmux } from '../helpers/tmux.js';

const AGENT = join(ROOT, 'test', 'helpers', 'oauth-form-agent.mjs');
const tmuxMissing = !hasTmux() && !process.env.CI;

let stack: LocalStack;
let callback: string;
const srpCalls: string[] = [];

beforeAll(async () => {
  callback = `http://127.0.0.1:${await freeLoopbackPort()}/callback`;
  stack = await startLocal({
    port: 0, templatePath: codeOnlyTemplate(),
    parameterOverrides: { LoginCallbackUrls: callback, LoginLogoutUrls: callback.replace('callback', 'logged-out') },
  });
  // Which SRP steps reach the pool (the service is shared, so wrap its handler).
  const handle = stack.idp.handle.bind(stack.idp);
  stack.idp.handle = async (req) => {
    const op = (req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const body = req.body.length ? (JSON.parse(req.body.toString('utf8')) as { AuthFlow?: string; ChallengeName?: string }) : {};
    if (op === 'InitiateAuth' || op === 'RespondToAuthChallenge') srpCalls.push(body.AuthFlow ?? body.ChallengeName ?? op);
    return handle(req);
  };
});
afterAll(async () => stack?.close());

function setup(profile: Partial<Profile> = {}) {
  srpCalls.length = 0;
  const dir = tempDir('authapi-auto-browser-');
  writeProfiles(dir, { local: { ...profileFromLocalInfo(stack.info), loginCallbackUrls: [callback], ...profile } });
  const log = join(dir, 'agent.log');
  const env = {
    AUTHAPI_CONFIG_DIR: dir, AUTHAPI_PROFILE: 'local', AUTHAPI_STORE: 'file', AUTHAPI_AGENT: '0', NO_COLOR: '1',
    BROWSER: `'${process.execPath}' '${AGENT}' %s`, OAUTH_AGENT_LOG: log, XDG_CACHE_HOME: join(dir, 'cache'), HOME: dir,
  };
  return { dir, env };
}

const stripFileNotice = (s: string) => s.replace(/^warning: secrets are kept in plaintext files.*\n/m, '');

describe('login against a client without SRP (real binary, emulator)', () => {
  it('no terminal: nothing waits for a browser; it says what to run (exit 2), before asking for anything', async () => {
    const { env } = setup();
    const started = Date.now();
    const r = await runBinary(['login'], { env });
    expect(r.code).toBe(2);
    expect(stripFileNotice(r.stderr)).toBe(
      'authapi: this app client does not allow SRP sign-in (USER_SRP_AUTH is not enabled for the client.): it signs in through the browser, and there is no terminal here to do that' +
      ' — run `authapi login --profile local --browser` (opens a browser and waits for it), or `authapi login --profile local --no-browser` (prints the address; paste back the one the browser ends on)\n');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(srpCalls).toEqual(['USER_SRP_AUTH']);
    expect((await runBinary(['call', 'require-auth'], { env })).code).toBe(3);
  });

  it('no terminal, username and password given: the SRP refusal gives the same answer', async () => {
    const { env } = setup();
    const r = await runBinary(['login', '-u', 'demouser', '--password-stdin'], { env, input: 'demoPASS123\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('this app client does not allow SRP sign-in (USER_SRP_AUTH is not enabled for the client.)');
    expect(r.stderr).toContain('run `authapi login --profile local --browser`');
  });

  it('a profile without loginUrl: the refusal says how to sign in with the browser', async () => {
    const { env } = setup({ loginUrl: undefined });
    const r = await runBinary(['login', '-u', 'demouser', '--password-stdin'], { env, input: 'demoPASS123\n' });
    expect(r.code).toBe(2);
    expect(stripFileNotice(r.stderr)).toBe('authapi: this app client does not allow SRP sign-in (USER_SRP_AUTH is not enabled for the client.)' +
      ' — if the pool has a managed login, add its address to profile "local" as "loginUrl" (`authapi configure --from-stack NAME` reads it) and sign in with --browser\n');
  });

  it('login --browser works on this client (the page signs in against the pool, not through the client)', async () => {
    const { env } = setup();
    expect((await runBinary(['login', '--browser'], { env })).code).toBe(0);
    expect((await runBinary(['call', 'require-auth'], { env })).code).toBe(0);
  });
});

describe.skipIf(tmuxMissing)('login against a client without SRP, at a terminal (tmux)', () => {
  let session: TmuxSession | undefined;
  afterEach(() => session?.kill());

  it('switches to the browser by itself and says so; no username or password is asked; call works after', async () => {
    const { env } = setup();
    session = new TmuxSession(`${process.execPath} ${BIN} login`, env);
    const screen = await session.waitFor('[exit ');
    expect(screen).toContain('authapi: this app client does not allow SRP sign-in; signing in with the browser (authapi login --profile local --no-browser to paste the address instead)');
    expect(screen).toMatch(/logged in as demouser \(profile local\) through the browser/);
    expect(screen).toContain('[exit 0]');
    expect(screen).not.toMatch(/Username|Password/);
    expect(srpCalls).toEqual(['USER_SRP_AUTH']);
    const call = await runBinary(['call', 'require-auth'], { env });
    expect(call.code).toBe(0);
  });
});
