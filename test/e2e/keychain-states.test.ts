// Every Secret Service state, told straight, through the real binary against a real
// gnome-keyring: each case runs in its own private D-Bus session that
// test/helpers/secret-service-session.sh sets up (unlocked, locked, running with no
// default collection, absent, no bus at all) and tears down (the daemon is killed,
// its temporary keyring directory removed). The local stack stands behind a counting
// TCP relay, so "login fails before any network work" is measured, not assumed.
//
// In CI (CI=true) nothing here skips: missing tools are a failure. Elsewhere, without
// dbus-run-session / dbus-send / gnome-keyring-daemon, the cases skip saying why.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir, writeProfiles } from '../helpers/cli.js';
import { startLocal, DEMO_USER, type LocalStack } from '../../src/local/index.js';
import { profileFromLocalInfo } from '../../src/commands/local.js';

const HELPER = join(ROOT, 'test', 'helpers', 'secret-service-session.sh');
const TOOLS = ['dbus-run-session', 'dbus-send', 'gnome-keyring-daemon'];
const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' }).status !== 0);
const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';
const skip = missing.length > 0 && !inCI;
if (skip) {
  process.stderr.write(`keychain-states.test: skipping the Secret Service state tests — not installed: ${missing.join(', ')} (Debian: apt-get install dbus gnome-keyring)\n`);
}

type State = 'unlocked' | 'locked' | 'no-default' | 'absent' | 'no-bus';
interface Step { args?: string[]; input?: string; shell?: string }
interface Outcome { code: number; stdout: string; stderr: string; json?: any }

let stack: LocalStack;
let relay: Server;
let connections = 0;
let profile: Record<string, unknown>;

beforeAll(async () => {
  if (skip) return;
  stack = await startLocal({ port: 0 });
  const port = Number(new URL(stack.url).port);
  // Counts every TCP connection the binary opens to the stack.
  relay = createServer((client) => {
    connections++;
    const upstream = connect(port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayUrl = `http://127.0.0.1:${(relay.address() as { port: number }).port}`;
  profile = JSON.parse(JSON.stringify(profileFromLocalInfo(stack.info)).split(stack.url).join(relayUrl));
});

// A session still running after its test (a timeout, a failed expectation) is ended
// with its whole process group: the helper, dbus-run-session, the bus, the binary. The
// bus going away ends gnome-keyring, and the helper's trap removes its directory.
const running = new Set<number>();
afterEach(() => {
  for (const pgid of running) {
    try { process.kill(-pgid, 'SIGTERM'); } catch { /* already gone */ }
  }
  running.clear();
});

afterAll(async () => {
  await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
  await stack?.close();
});

/**
 * Runs the steps, in order, in one private D-Bus session whose Secret Service is in
 * `state`: each step is the built binary with arguments (and stdin), or a shell line.
 * Returns each binary step's exit code, stdout and stderr (stdout parsed when JSON).
 */
async function inSession(state: State, steps: Step[], env: Record<string, string> = {}): Promise<Outcome[]> {
  const dir = tempDir('authapi-ks-run-');
  // A config dir per session: a login recorded in one keyring is no business of the next.
  const configDir = tempDir('authapi-keychain-states-');
  writeProfiles(configDir, { local: profile });
  const lines = steps.map((s, i) => {
    if (s.shell) return s.shell;
    if (s.input !== undefined) writeFileSync(join(dir, `${i}.in`), s.input);
    const argv = s.args!.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const stdin = s.input !== undefined ? `"$RUN/${i}.in"` : '/dev/null';
    // A binary that hangs is stopped (exit 124) so the test reports it instead of timing out.
    return `timeout 15 "$NODE" "$BIN" ${argv} <${stdin} >"$RUN/${i}.out" 2>"$RUN/${i}.err"; echo $? >"$RUN/${i}.code"`;
  });
  const child = spawn('sh', [HELPER, state, 'sh', '-c', lines.join('\n')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH, NODE: process.execPath, BIN, RUN: dir,
      HOME: tempDir('authapi-ks-home-'), AUTHAPI_AGENT: '0', AUTHAPI_CONFIG_DIR: configDir, AUTHAPI_PROFILE: 'local', ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  running.add(child.pid!);
  let helperErr = '';
  child.stderr.on('data', (c: Buffer) => (helperErr += c.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  running.delete(child.pid!);
  expect(helperErr, 'the session helper itself').toBe('');
  expect(code, 'the session helper itself').toBe(0);
  return steps.flatMap((s, i) => {
    if (s.shell) return [];
    const stdout = readFileSync(join(dir, `${i}.out`), 'utf8');
    const out: Outcome = { code: Number(readFileSync(join(dir, `${i}.code`), 'utf8')), stdout, stderr: readFileSync(join(dir, `${i}.err`), 'utf8') };
    if (stdout.startsWith('{')) out.json = JSON.parse(stdout);
    return [out];
  });
}

const LOGIN: Step = { args: ['login', '-u', DEMO_USER.username, '--password-stdin'], input: `${DEMO_USER.password}\n` };
const LOCK = 'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets '
  + 'org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null';
const UNLOCK_HINT = 'unlock the default keyring: on a desktop, log in again or unlock it in "Passwords and Keys" (seahorse); headless, restart gnome-keyring unlocked: `printf %s PASSWORD | gnome-keyring-daemon --replace --unlock --components=secrets`';
const NO_DEFAULT = 'the keychain (Secret Service) is running but has no default keyring to store in, as when gnome-keyring was started by D-Bus activation without --unlock';
const DEFAULT_HINT = 'create a default keyring: on a desktop, in "Passwords and Keys" (seahorse) add a password keyring and make it the default; headless, restart gnome-keyring with --unlock, which creates the "login" keyring';
const LOCKED = 'the keychain (Secret Service) is locked: its default keyring stores nothing until it is unlocked';
const keychainRow = (o: Outcome) => o.json.store.available.find((b: { kind: string }) => b.kind === 'keychain');

describe.skipIf(skip)('Secret Service states through the real binary (real gnome-keyring, private D-Bus sessions)', () => {
  it('has the tools it needs (in CI a missing one is a failure, not a skip)', () => {
    expect(missing).toEqual([]);
  });

  it('unlocked: status says available; login works before and after; once the keyring is locked, both say so', { timeout: 90_000 }, async () => {
    const [before, human, login, after, lockedStatus, lockedLogin] = await inSession('unlocked', [
      { args: ['status', '--json'] }, { args: ['status'] }, LOGIN, { args: ['status', '--json'] },
      { shell: LOCK }, { args: ['status', '--json'] }, LOGIN,
    ]);
    expect(keychainRow(before!)).toEqual({ kind: 'keychain', name: 'keychain (Secret Service)', available: true, allowed: true, state: 'available' });
    expect(before!.json.login.state).toBe('not-logged-in');
    expect(before!.stderr).toBe('authapi: not logged in (profile "local") — run `authapi login --profile local`\n');
    expect(before!.code).toBe(3);
    expect(human!.stdout).toMatch(/^stores: +keychain \(Secret Service\): available; file \(.*\): available, not allowed$/m);
    expect(human!.stdout).not.toContain('keychain problem');

    expect(login!.stderr).toMatch(/^authapi: logged in as demouser \(profile local\); AWS credentials valid until \S+Z, kept in keychain \(Secret Service\)\n$/);
    expect(login!.code).toBe(0);
    expect(after!.json.login).toMatchObject({ state: 'logged-in', user: { username: 'demouser' } });
    expect(after!.json.store.inUse).toBe('keychain (Secret Service)');
    expect(after!.code).toBe(0);

    // The same keyring, locked with the session in it: told as locked, not "not logged in".
    expect(keychainRow(lockedStatus!)).toMatchObject({ available: false, state: 'locked', problem: expect.stringContaining(LOCKED) });
    expect(lockedStatus!.json.login.state).toBe('unknown');
    expect(lockedStatus!.stderr).toMatch(new RegExp(`^authapi: ${escape(LOCKED)} \\(.*\\) — ${escape(UNLOCK_HINT)}.*\nauthapi: the session of profile "local" cannot be read: the keychain \\(Secret Service\\) refused a read: .*\n$`));
    expect(lockedStatus!.code).toBe(3);
    expect(lockedLogin!.stderr).toContain(`authapi: ${LOCKED}`);
    expect(lockedLogin!.stderr).toContain(UNLOCK_HINT);
    expect(lockedLogin!.stderr).not.toContain('start a Secret Service');
    expect(lockedLogin!.code).toBe(3);
  });

  it('locked: status says locked and how to unlock; login fails with exit 3 before any network work', async () => {
    const relayed = connections;
    const [json, human, login] = await inSession('locked', [{ args: ['status', '--json'] }, { args: ['status'] }, LOGIN]);
    expect(keychainRow(json!)).toMatchObject({ available: false, allowed: true, state: 'locked', problem: expect.stringContaining(LOCKED), hint: expect.stringContaining(UNLOCK_HINT) });
    expect(json!.code).toBe(3);
    expect(json!.stderr).toContain(`authapi: ${LOCKED}`);
    expect(json!.stderr).toContain('authapi: not logged in (profile "local") — make the store usable, then run `authapi login --profile local`');
    expect(human!.stdout).toMatch(/^stores: +keychain \(Secret Service\): locked; /m);
    expect(human!.stdout).toMatch(new RegExp(`^keychain problem: +${escape(LOCKED)}.* — ${escape(UNLOCK_HINT)}`, 'm'));

    expect(login!.stderr).toMatch(new RegExp(`^authapi: ${escape(LOCKED)} \\(.*\\) — ${escape(UNLOCK_HINT)}.*\n$`));
    expect(login!.stderr.split('\n')).toHaveLength(2); // one line, no stack trace
    expect(login!.code).toBe(3);
    expect(connections).toBe(relayed);
  });

  it('locked, with --insecure-storage: login goes to the 0600 file and says why, never silently', async () => {
    const [login] = await inSession('locked', [{ ...LOGIN, args: [...LOGIN.args!, '--insecure-storage'] }]);
    expect(login!.stderr).toContain(`as allowed by --insecure-storage (${LOCKED}`);
    expect(login!.stderr).toMatch(/kept in file \(/);
    expect(login!.code).toBe(0);
  });

  it('running with no default collection (started by D-Bus activation): status says so and what to do; login fails fast with exit 3', async () => {
    const relayed = connections;
    const [json, human, login] = await inSession('no-default', [{ args: ['status', '--json'] }, { args: ['status'] }, LOGIN]);
    expect(keychainRow(json!)).toMatchObject({
      available: false, allowed: true, state: 'no-default-collection',
      problem: expect.stringContaining(NO_DEFAULT), hint: expect.stringContaining(DEFAULT_HINT),
    });
    expect(json!.code).toBe(3);
    expect(human!.stdout).toMatch(/^stores: +keychain \(Secret Service\): no default collection; /m);
    expect(login!.stderr).toMatch(new RegExp(`^authapi: ${escape(NO_DEFAULT)} \\(.*\\) — ${escape(DEFAULT_HINT)}.*\n$`));
    expect(login!.stderr).not.toContain('start a Secret Service'); // it is running: the old advice was wrong
    expect(login!.code).toBe(3);
    expect(connections).toBe(relayed);
  });

  it('absent (a bus with no Secret Service, and no bus at all): status says absent and how to get one; login fails fast with exit 3', async () => {
    const relayed = connections;
    const [[status, login], [noBusStatus, noBusLogin]] = await Promise.all([
      inSession('absent', [{ args: ['status', '--json'] }, LOGIN]),
      inSession('no-bus', [{ args: ['status', '--json'] }, LOGIN]),
    ]);
    expect(keychainRow(status!)).toMatchObject({
      available: false, state: 'absent',
      problem: 'no OS keychain is usable: DBus error: The name org.freedesktop.secrets was not provided by any .service files',
      hint: expect.stringContaining('install and start one (Debian: `apt-get install gnome-keyring`'),
    });
    expect(status!.code).toBe(3);
    expect(login!.stderr).toMatch(/^authapi: no OS keychain is usable: DBus error: The name org\.freedesktop\.secrets was not provided by any \.service files — install and start one/);
    expect(login!.code).toBe(3);

    expect(keychainRow(noBusStatus!)).toMatchObject({ available: false, state: 'absent', problem: expect.stringMatching(/^no OS keychain is usable: .*DBUS_SESSION_BUS_ADDRESS/) });
    expect(noBusStatus!.code).toBe(3);
    expect(noBusLogin!.stderr).toMatch(/^authapi: no OS keychain is usable: .* — start a Secret Service \(headless Linux: `dbus-run-session/);
    expect(noBusLogin!.code).toBe(3);
    expect(connections).toBe(relayed);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
