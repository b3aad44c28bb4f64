// Sessions you can trust, through the real binary against the local stack: the
// identity that signs is always the one the user last logged in as. Every scenario
// runs with the credentials agent on and off, with the plaintext file store and with
// the real keychain (gnome-keyring; CI runs the tests under scripts/with-keyring.sh
// and there the keychain runs must not skip).
//   user switch · logout · emulator restart (credentials refused → fresh ones, or
//   exit 3 when the session is gone too) · two config dirs with one profile name ·
//   the store remembered after --insecure-storage · an unreadable stored session.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { profileFromLocalInfo } from '../../src/commands/local.js';
import { agentSocketPath } from '../../src/auth/agent/paths.js';
import { agentRequest, pingAgent } from '../../src/auth/agent/client.js';
import { openKeychain } from '../../src/auth/store/keychain.js';

const USERS = [{ username: 'demouser', password: 'demoPASS123' }, { username: 'alice', password: 'alicePASS123' }];

const keychainProblem = await openKeychain().then(() => undefined, (err: Error) => err.message);
const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';
if (keychainProblem && !inCI) {
  process.stderr.write(`sessions.test: skipping the keychain runs — ${keychainProblem} (run under scripts/with-keyring.sh)\n`);
}

let stack: LocalStack;
let stateDir: string;
const agentSockets = new Set<string>();
const started: LocalStack[] = [];

async function start(): Promise<LocalStack> {
  const s = await startLocal({ port: 0, stateDir, users: USERS });
  started.push(s);
  return s;
}

beforeAll(async () => {
  stateDir = tempDir('authapi-sessions-state-');
  stack = await start();
});
afterAll(async () => {
  for (const s of started) await s.close().catch(() => {});
});
afterEach(async () => {
  // Every agent a test started is stopped (it would outlive the test otherwise).
  for (const sock of agentSockets) {
    const pid = await pingAgent(sock);
    await agentRequest(sock, { op: 'stop' });
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch { /* gone */ }
    }
  }
  agentSockets.clear();
});

interface Setup {
  agent: boolean;
  store: 'file' | 'keychain';
}

/** A config dir with a `local` profile for the running stack, and how to run authapi in it. */
function configFor(setup: Setup, home = tempDir('authapi-sessions-home-')) {
  const dir = join(home, '.config', 'authapi');
  const runtime = tempDir('authapi-sessions-run-');
  const write = (s: LocalStack) => {
    writeProfiles(ensure(dir), { local: profileFromLocalInfo(s.info) });
  };
  write(stackNow());
  const env: Record<string, string> = {
    HOME: home, AUTHAPI_PROFILE: 'local', AUTHAPI_AGENT: setup.agent ? '1' : '0', XDG_RUNTIME_DIR: runtime,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(setup.store === 'file' ? { AUTHAPI_STORE: 'file' } : {}),
    ...(process.env.DBUS_SESSION_BUS_ADDRESS ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS } : {}),
  };
  if (setup.agent) agentSockets.add(agentSocketPath(dir, env));
  const run = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
    runBinary(args, { env: { ...env, ...opts.env }, input: opts.input });
  const login = async (user = USERS[0]!, extra: string[] = [], envExtra: Record<string, string> = {}) => {
    const r = await run(['login', '-u', user.username, '--password-stdin', ...extra], { input: `${user.password}\n`, env: envExtra });
    expect(r.code, r.stderr).toBe(0);
    return r;
  };
  /** The access key `credentials` hands out now. */
  const accessKey = async (extra: Record<string, string> = {}) => {
    const r = await run(['credentials', '--format', 'json'], { env: extra });
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { AccessKeyId: string }).AccessKeyId;
  };
  /** Whom the credentials belong to, as the stack issued them. */
  const identityOf = (key: string) => stackNow().credentials.get(key)?.identityId;
  const repoint = (s: LocalStack) => write(s);
  return { dir, env, run, login, accessKey, identityOf, repoint };
}

function ensure(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

const stackNow = () => started[started.length - 1]!;

const SETUPS: Setup[] = [
  { agent: true, store: 'file' },
  { agent: false, store: 'file' },
  { agent: true, store: 'keychain' },
  { agent: false, store: 'keychain' },
];

describe.each(SETUPS)('sessions (agent $agent, $store store)', (setup) => {
  const skip = (setup.store === 'keychain' && Boolean(keychainProblem) && !inCI) || (setup.agent && process.platform === 'win32');

  it.skipIf(skip)('a user switch takes effect for the very next command of any kind', async () => {
    const c = configFor(setup);
    await c.login(USERS[0]);
    const call = await c.run(['call', 'require-auth']);
    expect(call.code, call.stderr).toBe(0);
    const demoKey = await c.accessKey(); // with the agent on, it holds this now
    const demoIdentity = c.identityOf(demoKey);
    expect(demoIdentity).toMatch(/^us-east-1:/);

    await c.login(USERS[1]);
    const status = await c.run(['status', '--json']);
    expect(JSON.parse(status.stdout).login.user.username).toBe('alice');
    const aliceKey = await c.accessKey();
    expect(aliceKey).not.toBe(demoKey);
    expect(c.identityOf(aliceKey)).not.toBe(demoIdentity);
    // The agent, if any, agrees with the store.
    expect(c.identityOf(await c.accessKey({ AUTHAPI_AGENT: '0' }))).toBe(c.identityOf(aliceKey));
    const again = await c.run(['call', 'require-auth']);
    expect(again.code, again.stderr).toBe(0);

    // The same user again: a new login all the same, and it wins too.
    await c.login(USERS[1]);
    expect(c.identityOf(await c.accessKey())).toBe(c.identityOf(aliceKey));
  });

  it.skipIf(skip)('logout takes effect for the very next command; logout --all too', async () => {
    const c = configFor(setup);
    await c.login();
    expect((await c.run(['call', 'require-auth'])).code).toBe(0);
    expect((await c.run(['logout'])).code).toBe(0);
    const creds = await c.run(['credentials']);
    expect(creds.code).toBe(3);
    expect(creds.stderr).toContain('not logged in (profile "local")');
    expect(creds.stderr).toContain('run `authapi login --profile local`');
    const guest = await c.run(['call', 'require-auth']);
    expect(guest.code, guest.stderr).toBe(3); // a guest is refused there: "log in"
    expect((await c.run(['call', 'no-auth'])).code).toBe(0);

    await c.login();
    expect((await c.run(['call', 'require-auth'])).code).toBe(0);
    expect((await c.run(['logout', '--all'])).code).toBe(0);
    expect((await c.run(['credentials'])).code).toBe(3);
  });

  it.skipIf(skip)('two config dirs with a profile of the same name never see, use or log out each other\'s session', async () => {
    const a = configFor(setup);
    const b = configFor(setup);
    await a.login(USERS[0]);
    await b.login(USERS[1]);
    const keyA = await a.accessKey();
    const keyB = await b.accessKey();
    expect(a.identityOf(keyA)).not.toBe(b.identityOf(keyB));
    expect((await a.run(['logout'])).code).toBe(0);
    expect((await a.run(['credentials'])).code).toBe(3);
    expect(b.identityOf(await b.accessKey())).toBe(b.identityOf(keyB));
    const status = await b.run(['status', '--json']);
    expect(JSON.parse(status.stdout).login.user.username).toBe('alice');
  });

  it.skipIf(skip)('an emulator restart: refused credentials are replaced from the tokens; with the users gone, exit 3 until a new login', async () => {
    const c = configFor(setup);
    await c.login();
    expect((await c.run(['call', 'require-auth'])).code).toBe(0);
    const before = await c.accessKey();

    // Same state (users, signing keys) but the issued credentials forgotten: the API
    // refuses the cached ones, and the call gets new ones from the ID token.
    await stackNow().close();
    rmSync(join(stateDir, 'credentials.json'), { force: true });
    c.repoint(await start());
    const refused = await c.run(['call', 'require-auth', '-v']);
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.stdout).toContain('velvet rope');
    expect(refused.stderr).toContain('the credentials were refused (The security token included in the request is invalid)');
    const after = await c.accessKey();
    expect(after).not.toBe(before);
    expect(stackNow().credentials.get(after)).toBeDefined();

    // batch does the same: once for the whole run.
    await stackNow().close();
    rmSync(join(stateDir, 'credentials.json'), { force: true });
    c.repoint(await start());
    const lines = ['{"id":1,"path":"require-auth"}', '{"id":2,"path":"require-auth"}'].join('\n') + '\n';
    const batch = await c.run(['batch', '-v', '--concurrency', '1'], { input: lines });
    expect(batch.code, batch.stderr).toBe(0);
    const results = batch.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: number });
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(batch.stderr).toContain('the credentials were refused (The security token included in the request is invalid)');

    // A stack with nothing of the old one (another state dir): the session cannot be
    // renewed. Exit 3 and the login hint, once; then a login fixes it for the next command.
    const fresh = await startLocal({ port: 0, stateDir: tempDir('authapi-sessions-state2-'), users: USERS });
    try {
      c.repoint(fresh);
      const gone = await c.run(['call', 'require-auth']);
      expect(gone.code, gone.stderr).toBe(3);
      expect(gone.stderr).toContain('the API refused the credentials (The security token included in the request is invalid)');
      expect(gone.stderr.match(/authapi login --profile local/g), gone.stderr).toHaveLength(1);
      const goneBatch = await c.run(['batch'], { input: '{"id":1,"path":"require-auth"}\n' });
      expect(goneBatch.code, goneBatch.stderr).toBe(3);
      await c.login();
      const ok = await c.run(['call', 'require-auth']);
      expect(ok.code, ok.stderr).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it.skipIf(skip)('an unreadable stored session is named as such, exit 3, never a guest; the next login replaces it', async () => {
    const c = configFor(setup);
    await c.login();
    // Damage the stored session where it lives, and drop the cached credentials so the session must be read.
    if (setup.store === 'file') {
      const secrets = join(c.dir, 'secrets');
      writeFileSync(join(secrets, 'local%2Fsession'), '=not json', { mode: 0o600 });
      rmSync(join(secrets, 'local%2Fcredentials'));
    } else {
      const keychain = await openKeychain({ service: `authapi:${c.dir}` });
      await keychain.set('local/session', '=not json');
      await keychain.delete('local/credentials');
    }
    if (setup.agent) await agentRequest(agentSocketPath(c.dir, c.env), { op: 'stop' });
    // no-auth takes no identity (it goes unsigned, the session unread); signed, it must not fall back to a guest either.
    for (const args of [['require-auth'], ['no-auth', '--auth', 'iam']]) {
      const r = await c.run(['call', ...args]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain('the stored session for profile "local" is unreadable');
      expect(r.stderr).toContain('run `authapi login --profile local` to replace it');
      expect(r.stdout).toBe('');
    }
    const status = await c.run(['status']);
    expect(status.code).toBe(3);
    expect(status.stdout + status.stderr).toContain('unreadable');
    await c.login();
    expect((await c.run(['call', 'require-auth'])).code).toBe(0);
  });
});

describe('the store a session went to is remembered', () => {
  it('after login --insecure-storage, call/credentials/status use it without the flag, agree, and warn once per command', async () => {
    const c = configFor({ agent: true, store: 'keychain' });
    // No keychain for this config: DBUS pointed nowhere, so only the file store can hold it.
    const noKeychain = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    await c.login(USERS[0], ['--insecure-storage'], noKeychain);
    for (const args of [['call', 'require-auth'], ['call', 'require-auth'], ['credentials', '--format', 'env']]) {
      const r = await c.run(args, { env: noKeychain });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr.match(/secrets are kept in plaintext files/g), args.join(' ')).toHaveLength(1);
    }
    const status = await c.run(['status', '--json'], { env: noKeychain });
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.login.state).toBe('logged-in');
    expect(report.login.user.username).toBe('demouser');
    expect(report.store.inUse).toMatch(/^file/);
    expect(status.stderr.match(/secrets are kept in plaintext files/g)).toHaveLength(1);
  });
});
