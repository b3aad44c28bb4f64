// Shared by bench/call.bench.mjs and bench/batch.bench.mjs: start the local stack in
// a process of its own (the emulator must not share the measured client's event
// loop), write a "local" profile in a temporary config dir, log the demo user in once
// and warm the credential cache, so every measured `call` runs "with cached credentials"
// the way users get them by default: from the credentials agent (src/auth/agent),
// started by the warm-up call, with the keychain out of the hot path. The store is the
// 0600 file unless AUTHAPI_BENCH_STORE=keychain (run under scripts/with-keyring.sh);
// AUTHAPI_BENCH_AGENT=0 measures without the agent (store read on every call).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, benchEnv } from './lib.mjs';

/** Both sides of every comparison run with this: no NODE_EXTRA_CA_CERTS, no SDK notice. */
export function cleanEnv(extra = {}) {
  const env = benchEnv({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra });
  delete env.NODE_OPTIONS;
  return env;
}

/** The usage plan is opened wide: these benches measure the client, not throttling. */
export async function startStack() {
  const code = `
    const { startLocal } = require(${JSON.stringify(join(ROOT, 'dist', 'local.cjs'))});
    startLocal({ port: 0, parameterOverrides: { ThrottleRateLimit: '1000000', ThrottleBurstLimit: '1000000', DailyQuota: '1000000000' } })
      .then((s) => { process.stdout.write(JSON.stringify(s.info) + '\\n'); process.on('SIGTERM', () => s.close().then(() => process.exit(0))); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'], env: cleanEnv() });
  const info = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c) => {
      buf += c;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    child.on('exit', (c) => reject(new Error(`the local stack exited (${c})`)));
  });
  const dir = mkdtempSync(join(tmpdir(), 'authapi-bench-'));
  const profile = {
    region: info.region, userPoolId: info.userPoolId, userPoolClientId: info.userPoolClientId, identityPoolId: info.identityPoolId,
    apiUrl: info.apiUrl, apiKey: info.apiKey,
    endpoints: { cognitoIdp: info.endpoints.cognitoIdp, cognitoIdentity: info.endpoints.cognitoIdentity, sts: info.endpoints.sts },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ version: 1, profiles: { local: profile } }));
  // The file store by default: a headless bench machine has no Secret Service. Its
  // "plaintext" notice on stderr is discarded by the measured commands.
  const keychain = process.env.AUTHAPI_BENCH_STORE === 'keychain';
  // A runtime dir of our own: the agent's socket is found (and the agent stopped) here.
  const runtime = mkdtempSync(join(tmpdir(), 'authapi-bench-run-'));
  const env = cleanEnv({
    AUTHAPI_CONFIG_DIR: dir, AUTHAPI_PROFILE: 'local', XDG_RUNTIME_DIR: runtime,
    ...(keychain ? {} : { AUTHAPI_STORE: 'file' }),
    ...(process.env.AUTHAPI_BENCH_AGENT === '0' ? { AUTHAPI_AGENT: '0' } : {}),
  });
  if (keychain) delete env.AUTHAPI_STORE;
  const login = spawnSync(process.execPath, [BIN, 'login', '-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n', env: { ...env, AUTHAPI_AGENT: '0' }, encoding: 'utf8' });
  if (login.status !== 0) throw new Error(`login failed: ${login.stderr}`);
  // Reads the store and starts the agent (detached; it listens a moment later).
  const warm = spawnSync(process.execPath, [BIN, 'call', 'require-auth'], { env, encoding: 'utf8' });
  if (warm.status !== 0 || !warm.stdout.includes('velvet rope')) throw new Error(`call failed: ${warm.stderr}`);
  // The runtime dir is ours alone: the one socket that appears in it is the agent's.
  const socket = env.AUTHAPI_AGENT === '0' ? undefined : await waitForSocket(join(runtime, 'authapi'));
  const agentPid = socket === undefined ? undefined : await waitForAgent(socket);
  const stopAgent = () => (socket === undefined ? Promise.resolve() : agentRequest(socket, { op: 'stop' }));
  const stop = async () => {
    child.kill('SIGTERM');
    await stopAgent();
    for (const d of [dir, runtime]) rmSync(d, { recursive: true, force: true });
  };
  return { info, dir, env, agentPid, store: keychain ? 'keychain' : 'file', stop };
}

/** One request to the credentials agent (NDJSON, one line each way); undefined if none answers. */
export function agentRequest(socket, req) {
  return new Promise((resolve) => {
    const s = createConnection(socket);
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (c) => (buf += c));
    s.on('end', () => resolve(buf ? JSON.parse(buf) : undefined));
    s.on('error', () => resolve(undefined));
    s.write(JSON.stringify(req) + '\n');
  });
}

export async function waitForSocket(dir) {
  for (let i = 0; i < 200; i++) {
    let found;
    try {
      found = readdirSync(dir).find((f) => f.startsWith('agent-') && f.endsWith('.sock'));
    } catch { /* not created yet */ }
    if (found) return join(dir, found);
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`the credentials agent did not start in ${dir}`);
}

export async function waitForAgent(socket) {
  for (let i = 0; i < 200; i++) {
    const r = await agentRequest(socket, { op: 'ping' });
    if (r?.ok) return r.pid;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`the credentials agent did not start on ${socket}`);
}

/** Peak RSS (KiB) of one run of a command, from getrusage(RUSAGE_CHILDREN) in a fresh Python. */
export function peakRssKiB(argv, env) {
  const py = 'import resource,subprocess,sys\nsubprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL,check=True)\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)';
  const r = spawnSync('python3', ['-c', py, ...argv], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rss probe failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs the commands interleaved (A B C A B C …) so that load from other processes
 * on a shared machine hits every command alike, and returns per command the median
 * wall time and the median CPU time (user + system, from getrusage of the child) in
 * seconds. CPU time is the steadier figure when the machine is busy. `walls` and
 * `cpus` are the samples in run order, for ratios paired run by run. With `rotate`,
 * each round starts one command later (A B C, B C A, C A B …), so that no command
 * always runs first, or right after the same one.
 */
export function interleaved(commands, { runs = 30, warmup = 3, env, rotate = false }) {
  const py = `
import json, resource, subprocess, sys, time
cmds = json.loads(sys.argv[1]); runs = int(sys.argv[2]); warmup = int(sys.argv[3]); rotate = sys.argv[4] == "1"
out = [{"wall": [], "cpu": []} for _ in cmds]
for i in range(warmup + runs):
    order = [(j + i) % len(cmds) for j in range(len(cmds))] if rotate else range(len(cmds))
    for k in order:
        argv = cmds[k]
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
        p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t1 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0: sys.exit("command failed: " + " ".join(argv))
        if i >= warmup:
            out[k]["wall"].append(t1 - t0)
            out[k]["cpu"].append((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
print(json.dumps(out))`;
  const r = spawnSync('python3', ['-c', py, JSON.stringify(commands), String(runs), String(warmup), rotate ? '1' : '0'], { env, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`interleaved timing failed: ${r.stderr}`);
  return JSON.parse(r.stdout).map((x, i) => ({ argv: commands[i], wall: median(x.wall), cpu: median(x.cpu), walls: x.wall, cpus: x.cpu }));
}
