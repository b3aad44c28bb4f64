// The credentials agent as users get it: the built binary (`node scripts/build.mjs`
// first; `npm test` does) against the local stack, file store, agent on.
//   login → the first `call` reads the store and starts the agent → the next `call` is
//   served by the agent (the store is moved away meanwhile, and --verbose says so) →
//   status names the agent's pid → logout → the next `call` exits 3 → logout --all
//   stops the agent. The agent's socket lives in this test's own XDG_RUNTIME_DIR, and
//   every agent started here is stopped (and killed if need be) afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { runBinary, tempDir, writeProfiles } from '../../helpers/cli.js';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { agentSocketPath } from '../../../src/auth/agent/paths.js';
import { agentRequest, pingAgent } from '../../../src/auth/agent/client.js';
import { profileFromLocalInfo } from '../../../src/commands/local.js';

let stack: LocalStack;
let dir: string;
let env: Record<string, string>;
let socketPath: string;
const pids = new Set<number>();

/** Waits for the detached agent to listen (it starts after the command that spawned it exits). */
async function agentUp(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const pid = await pingAgent(socketPath);
    if (pid !== undefined) {
      pids.add(pid);
      return pid;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no agent answered on ${socketPath}`);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  stack = await startLocal({ port: 0 });
  dir = tempDir('authapi-e2e-agent-');
  const { info } = stack;
  writeProfiles(dir, { local: profileFromLocalInfo(info) });
  const runtime = tempDir('authapi-e2e-runtime-');
  env = {
    AUTHAPI_CONFIG_DIR: dir, AUTHAPI_PROFILE: 'local', AUTHAPI_STORE: 'file', AUTHAPI_AGENT: '1',
    HOME: dir, XDG_RUNTIME_DIR: runtime, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  socketPath = agentSocketPath(dir, env);
});

afterAll(async () => {
  const pid = await pingAgent(socketPath);
  if (pid !== undefined) pids.add(pid);
  await agentRequest(socketPath, { op: 'stop' });
  for (const p of pids) if (alive(p)) process.kill(p, 'SIGKILL');
  await stack?.close();
});

const authapi = (args: string[], input?: string, extra: Record<string, string> = {}) => runBinary(args, { env: { ...env, ...extra }, input });

describe.skipIf(process.platform === 'win32')('credentials agent, end to end (Unix sockets: skipped on Windows, where the agent is off)', () => {
  it('login → call starts the agent → call served by it → logout → exit 3 → logout --all stops it', async () => {
    // login starts no agent (its own start-up matters); it would only update a running one.
    const login = await authapi(['login', '-u', 'demouser', '--password-stdin', '-v'], 'demoPASS123\n');
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).not.toContain('credentials agent started');
    expect(existsSync(socketPath)).toBe(false);

    const first = await authapi(['call', 'require-auth', '-v']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('velvet rope');
    expect(first.stderr).not.toContain('credentials from agent');
    expect(first.stderr).toMatch(/credentials agent started \(pid \d+\)/);
    const pid = await agentUp();

    // The store is out of reach: only the agent can have the credentials now.
    const secrets = join(dir, 'secrets');
    renameSync(secrets, secrets + '.away');
    try {
      // The agent signs (op `sign`): this process never sees the secret key, and loads
      // no node:crypto (traced with a --require hook on the real binary).
      const second = await runBinary(['call', 'require-auth', '-v'], {
        env: { ...env, AUTHAPI_TRACE_REQUIRES: '1' },
        execArgv: ['--require', new URL('../../helpers/trace-requires.cjs', import.meta.url).pathname],
      });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('velvet rope');
      expect(second.stderr).toContain('debug: signed by the credentials agent');
      expect(second.stderr).toMatch(/^warning: secrets are kept in plaintext files/m); // still said every run
      const loaded = second.stderr.split('\n').filter((l) => l.startsWith('require: ')).map((l) => l.slice(9));
      expect(loaded).toContain('../dist/launch.cjs'); // the trace works
      expect(loaded.filter((m) => /crypto/.test(m))).toEqual([]);
      // `credentials` needs the keys themselves: the agent hands them over (op `get`).
      const creds = await authapi(['credentials', '--format', 'json', '-v']);
      expect(creds.code, creds.stderr).toBe(0);
      expect(creds.stderr).toContain('debug: credentials from agent');
      expect(JSON.parse(creds.stdout).AccessKeyId).toMatch(/^ASIA/);
    } finally {
      renameSync(secrets + '.away', secrets);
    }

    // A token route (the REST Cognito authorizer): the agent hands out the ID token, and
    // the request goes unsigned, so again no node:crypto (aws4 is not even loaded).
    const filled = await authapi(['call', 'require-token']);
    expect(filled.code, filled.stderr).toBe(0);
    const token = await runBinary(['call', 'require-token', '-v'], {
      env: { ...env, AUTHAPI_TRACE_REQUIRES: '1' },
      execArgv: ['--require', new URL('../../helpers/trace-requires.cjs', import.meta.url).pathname],
    });
    expect(token.code, token.stderr).toBe(0);
    expect(token.stderr).toContain('auth: id-token (raw token in Authorization), route GET /require-token of api rest');
    const tokenLoaded = token.stderr.split('\n').filter((l) => l.startsWith('require: ')).map((l) => l.slice(9));
    expect(tokenLoaded).toContain('../dist/launch.cjs');
    expect(tokenLoaded.filter((m) => /crypto|aws4/.test(m))).toEqual([]);

    const status = await authapi(['status']);
    expect(status.stdout).toMatch(new RegExp(`credentials agent:\\s+running \\(pid ${pid}\\)`));
    expect(JSON.parse((await authapi(['status', '--json'])).stdout).agent).toEqual({ state: 'running', pid });

    const logout = await authapi(['logout']);
    expect(logout.code, logout.stderr).toBe(0);
    expect(await agentRequest(socketPath, { op: 'get', key: `${dir}|local|user` })).toEqual({ ok: true });
    const after = await authapi(['call', 'require-auth']);
    expect(after.code, after.stderr).toBe(3);
    expect(after.stderr).toContain('not logged in');
    // Nobody logged in: `call` went on as a guest, whose credentials the agent may hold; never the user's.
    expect(await agentRequest(socketPath, { op: 'get', key: `${dir}|local|user` })).toEqual({ ok: true });
    expect(await pingAgent(socketPath)).toBe(pid);

    const all = await authapi(['logout', '--all']);
    expect(all.stderr).toContain('credentials agent stopped');
    expect(await pingAgent(socketPath)).toBeUndefined();
    expect(existsSync(socketPath)).toBe(false);
    expect((await authapi(['status'])).stdout).toMatch(/credentials agent:\s+not running/);
  });

  it('AUTHAPI_AGENT=0: no agent is asked or started', async () => {
    // A config directory of its own: its own agent socket, whatever the other test left.
    const own = tempDir('authapi-e2e-agent-off-');
    copyFileSync(join(dir, 'config.json'), join(own, 'config.json'));
    const off = { AUTHAPI_AGENT: '0', AUTHAPI_CONFIG_DIR: own, HOME: own };
    const ownSocket = agentSocketPath(own, { ...env, ...off });
    const login = await authapi(['login', '-u', 'demouser', '--password-stdin'], 'demoPASS123\n', off);
    expect(login.code, login.stderr).toBe(0);
    const r = await authapi(['call', 'require-auth', '-v'], undefined, off);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/credentials agent|credentials from agent/);
    expect(existsSync(ownSocket)).toBe(false);
    expect((await authapi(['status'], undefined, off)).stdout).toMatch(/credentials agent:\s+disabled/);
    await authapi(['logout'], undefined, off);
  });
});
