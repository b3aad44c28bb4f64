// `authapi login --browser` / `--no-browser` through the real binary against the
// emulator's managed login. The browser here is test/helpers/oauth-form-agent.mjs
// (BROWSER points at it): it follows the pages without JavaScript, and can bend one
// step so each of authapi's checks is seen to fail (state, error, no answer). The
// real chromium run is test/e2e/login-chromium.test.ts.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { profileFromLocalInfo } from '../../src/commands/local.js';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { BIN, ROOT, runBinary, runInProcess, tempDir, writeProfiles } from '../helpers/cli.js';
import { freeLoopbackPort } from '../helpers/oauth-free-port.js';

const AGENT = join(ROOT, 'test', 'helpers', 'oauth-form-agent.mjs');


let stack: LocalStack;
let ports: number[];
const blockers: Server[] = [];

beforeAll(async () => {
  ports = [await freeLoopbackPort()];
  while (ports.length < 2) {
    const p = await freeLoopbackPort();
    if (!ports.includes(p)) ports.push(p);
  }
  stack = await startLocal({
    port: 0,
    parameterOverrides: {
      LoginCallbackUrls: ports.map((p) => `http://127.0.0.1:${p}/callback`).join(','),
      LoginLogoutUrls: ports.map((p) => `http://127.0.0.1:${p}/logged-out`).join(','),
    },
  });
});
afterAll(async () => stack?.close());
afterEach(async () => {
  await Promise.all(blockers.splice(0).map((b) => new Promise<void>((r) => b.close(() => r()))));
});

function setup(mode = 'ok') {
  const dir = tempDir('authapi-browser-');
  writeProfiles(dir, {
    local: { ...profileFromLocalInfo(stack.info), loginCallbackUrls: ports.map((p) => `http://127.0.0.1:${p}/callback`) },
  });
  const log = join(dir, 'agent.log');
  const env = {
    AUTHAPI_CONFIG_DIR: dir, AUTHAPI_PROFILE: 'local', AUTHAPI_STORE: 'file',
    BROWSER: `'${process.execPath}' '${AGENT}' %s`, OAUTH_AGENT_MODE: mode, OAUTH_AGENT_LOG: log,
  };
  const agentLog = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : []);
  return { dir, env, agentLog };
}

const stripFileNotice = (s: string) => s.replace(/^warning: secrets are kept in plaintext files.*\n/m, '');

describe('login --browser (real binary, emulator, a stand-in browser)', () => {
  it('signs in through the pages; the session is the same as after SRP: call require-auth and status work', async () => {
    const { env, agentLog } = setup();
    const r = await runBinary(['login', '--browser'], { env });
    expect(stripFileNotice(r.stderr)).toMatch(/sign in with your browser; if it does not open, open this address:\n {2}http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?response_type=code&client_id=\w+&redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fcallback&scope=openid\+email\+profile\+aws\.cognito\.signin\.user\.admin&state=[\w-]+&code_challenge=[\w-]{43}&code_challenge_method=S256&nonce=[\w-]+\n/);
    expect(r.stderr).toMatch(/logged in as demouser \(profile local\) through the browser/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    // The browser was shown the result page, and the listener took one callback.
    for (let i = 0; i < 100 && !agentLog().some((e) => e.status); i++) await new Promise((r) => setTimeout(r, 20));
    expect(agentLog()).toContainEqual(expect.objectContaining({ status: 200, body: expect.stringContaining('authapi is signed in as demouser') }));
    const call = await runBinary(['call', 'require-auth'], { env });
    expect(call.code).toBe(0);
    const status = await runBinary(['status'], { env });
    expect(status.stdout + status.stderr).toMatch(/demouser/);
    expect(status.stdout).toMatch(/signed in with: +the browser \(managed login; refreshed at its token endpoint\)/);
    expect(JSON.parse((await runBinary(['status', '--json'], { env })).stdout).login.signedInWith).toBe('browser');
    // No token or code in anything printed.
    for (const out of [r.stderr, call.stderr, status.stdout]) expect(out).not.toMatch(/eyJ[\w-]{20,}/);
  });

  it('logout after a browser sign-in: prints the /logout address; --browser opens it and sees the browser land', async () => {
    const { env, agentLog } = setup();
    expect((await runBinary(['login', '--browser'], { env })).code).toBe(0);
    const out = await runBinary(['logout'], { env });
    expect(out.code).toBe(0);
    const logoutUri = encodeURIComponent(`http://127.0.0.1:${ports[0]}/logged-out`);
    expect(stripFileNotice(out.stderr)).toBe(`authapi: logged out (profile local); refresh token revoked\nauthapi: to end the browser's sign-in too, open:\n  ${stack.url}/logout?client_id=${stack.info.userPoolClientId}&logout_uri=${logoutUri}\n`);
    // An SRP login afterwards: no browser session to speak of at logout.
    expect((await runBinary(['login', '-u', 'demouser', '--password-stdin'], { env, input: 'demoPASS123\n' })).code).toBe(0);
    expect(stripFileNotice((await runBinary(['logout'], { env })).stderr)).toBe('authapi: logged out (profile local); refresh token revoked\n');

    expect((await runBinary(['login', '--browser'], { env })).code).toBe(0);
    const viaBrowser = await runBinary(['logout', '--browser'], { env: { ...env, OAUTH_AGENT_MODE: 'visit' } });
    expect(viaBrowser.code).toBe(0);
    expect(viaBrowser.stderr).toContain("authapi: the browser's sign-in ended");
    // The stand-in browser writes its line after authapi has answered (and may have exited).
    for (let i = 0; i < 100 && !agentLog().some((e) => e.landed); i++) await new Promise((r) => setTimeout(r, 20));
    expect(agentLog()).toContainEqual(expect.objectContaining({ landed: `http://127.0.0.1:${ports[0]}/logged-out`, status: 200, body: expect.stringContaining('signed out') }));
  });

  it('a client with a secret: the code is exchanged with client_secret_basic, and call works', async () => {
    const file = join(tempDir('authapi-secret-tpl-'), 'template.yaml');
    writeFileSync(file, readFileSync(join(ROOT, 'infra', 'template.yaml'), 'utf8')
      .replace('GenerateSecret: false', 'GenerateSecret: true')
      .replace('CodeUri: functions/', `CodeUri: ${join(ROOT, 'infra', 'functions')}/`));
    const secretStack = await startLocal({
      templatePath: file,
      parameterOverrides: { LoginCallbackUrls: `http://127.0.0.1:${ports[0]}/callback`, LoginLogoutUrls: `http://127.0.0.1:${ports[0]}/logged-out` },
    });
    try {
      expect(secretStack.info.clientSecret).toBeTruthy();
      const { dir, env } = setup();
      writeProfiles(dir, { local: { ...profileFromLocalInfo(secretStack.info), loginCallbackUrls: [`http://127.0.0.1:${ports[0]}/callback`] } });
      const r = await runBinary(['login', '--browser'], { env });
      expect(r.stderr).toMatch(/logged in as demouser/);
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain(secretStack.info.clientSecret!);
      expect((await runBinary(['call', 'require-auth'], { env })).code).toBe(0);
    } finally {
      await secretStack.close();
    }
  });

  it('a callback with another state is refused: exit 3, the browser told, nothing stored', async () => {
    const { env, agentLog } = setup('wrong-state');
    const r = await runBinary(['login', '--browser'], { env });
    expect(r.code).toBe(3);
    expect(stripFileNotice(r.stderr)).toMatch(/authapi: the browser came back with a different state: this is not the answer to this login, so nothing was stored — run the login again\n/);
    for (let i = 0; i < 100 && !agentLog().some((e) => e.status); i++) await new Promise((r) => setTimeout(r, 20));
    expect(agentLog()).toContainEqual(expect.objectContaining({ status: 400, body: expect.stringContaining('different state') }));
    const status = await runBinary(['call', 'require-auth'], { env });
    expect(status.code).toBe(3);
  });

  it('an error from the authorization server is reported with its description', async () => {
    const { env } = setup('error');
    const r = await runBinary(['login', '--browser'], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the sign-in was refused: access_denied \(the user said no\)/);
  });

  it('the browser never comes back (closed): exit 3 after --timeout, no stack trace', async () => {
    const { env } = setup('none');
    const r = await runBinary(['login', '--browser', '--timeout', '1'], { env });
    expect(r.code).toBe(3);
    expect(stripFileNotice(r.stderr)).toMatch(/authapi: no answer from the browser within 1 s; nothing was stored — run the login again \(--timeout SECONDS waits longer\), or use --no-browser\n/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a busy first port: says so and listens on the next registered one; all busy: exit 2', async () => {
    const block = async (port: number) => {
      const s = createServer();
      await new Promise<void>((res) => s.listen(port, '127.0.0.1', () => res()));
      blockers.push(s);
    };
    await block(ports[0]!);
    const { env } = setup();
    const r = await runBinary(['login', '--browser'], { env });
    expect(r.stderr).toContain(`warning: port ${ports[0]} is busy; listening on the next registered callback URL`);
    expect(r.stderr).toContain(`redirect_uri=http%3A%2F%2F127.0.0.1%3A${ports[1]}%2Fcallback`);
    expect(r.code).toBe(0);
    await block(ports[1]!);
    const all = await runBinary(['login', '--browser'], { env });
    expect(all.code).toBe(2);
    expect(all.stderr).toContain(`every registered callback port is in use (${ports[0]}, ${ports[1]})`);
  });

  it('--port picks a registered port, and refuses one that is not registered', async () => {
    const { env } = setup();
    const r = await runBinary(['login', '--browser', '--port', String(ports[1])], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`redirect_uri=http%3A%2F%2F127.0.0.1%3A${ports[1]}%2Fcallback`);
    const bad = await runBinary(['login', '--browser', '--port', '1'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--port 1 is not the port of a registered callback URL/);
    const mixed = await runBinary(['login', '--browser', '-u', 'demouser'], { env });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/--username is for SRP login/);
  });

  it('--no-browser: the address is printed, the pasted redirect signs in', async () => {
    const { env } = setup();
    const child = spawn(process.execPath, [BIN, 'login', '--no-browser'], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: tempDir('authapi-home-'), AUTHAPI_AGENT: '0', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    const url = await new Promise<string>((resolve) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        const m = /\n {2}(http:\/\/\S+\/oauth2\/authorize\?\S+)\n/.exec(stderr);
        if (m && stderr.includes('paste that whole address here')) resolve(m[1]!);
      });
    });
    // The person's browser, elsewhere: it ends on the callback address (nothing listens there).
    const origin = new URL(url).origin;
    const login = (await fetch(url, { redirect: 'manual' })).headers.get('location')!;
    const page = await (await fetch(new URL(login, origin))).text();
    const tx = /name="tx" value="([^"]+)"/.exec(page)![1]!;
    const posted = await fetch(`${origin}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ tx, username: 'demouser', password: 'demoPASS123' }) });
    child.stdin.end(`${posted.headers.get('location')}\n`);
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    expect(stderr).toMatch(/logged in as demouser/);
    expect(code).toBe(0);
  });

  it('Ctrl-C while waiting: exit 130 and the listener is closed', async () => {
    const { env } = setup('none');
    const controller = new AbortController();
    const run = runInProcess(['login', '--browser'], { env, signal: controller.signal });
    // Wait until authapi listens on the first registered port, then interrupt.
    for (;;) {
      const listening = await new Promise<boolean>((resolve) => {
        const s = createServer().once('error', () => resolve(true)).listen(ports[0], '127.0.0.1', () => s.close(() => resolve(false)));
      });
      if (listening) break;
      await new Promise((r) => setImmediate(r));
    }
    controller.abort();
    const r = await run;
    expect(r.code).toBe(130);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer().once('error', () => resolve(false)).listen(ports[0], '127.0.0.1', () => s.close(() => resolve(true)));
    });
    expect(free).toBe(true);
  });
});
