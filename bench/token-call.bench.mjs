// Issue 15's speed target: the cached `call` of a token route is no slower than the
// cached `call require-auth`. Both run against `authapi local` as users run it (the
// built binary, the profile it writes with its APIs' routes and their auth), logged in
// once, the credentials agent warm: `require-auth` is signed by the agent (op `sign`),
// `require-token` (REST, Cognito user pool authorizer: the ID token) and
// `require-scope` (the same authorizer with a scope: the access token) get their token
// from it (op `token`; src/auth/agent-token.ts). The commands run interleaved, each
// round in a rotated order, and the ratio is the median of the per-round ratios, so a
// busy shared machine hits both alike. NODE_EXTRA_CA_CERTS is unset on both sides.
//   call require-token vs call require-auth (cached)     target ≤ 1.05× (no slower, within the noise)
//   call require-scope vs call require-auth (cached)     informational
// Run: `node scripts/build.mjs && node bench/token-call.bench.mjs` (or `npm run bench -- token-call`).
// Needs python3 (the timing loop of call-stack.mjs). RUNS sets the runs per command (30).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ms, result } from './lib.mjs';
import { agentRequest, cleanEnv, interleaved, waitForAgent, waitForSocket } from './call-stack.mjs';

const MESSAGES = { 'require-auth': 'velvet rope', 'require-token': 'Your ID token checks out.', 'require-scope': 'Your access token has the scope.' };

const dir = mkdtempSync(join(tmpdir(), 'authapi-bench-token-'));
const runtime = mkdtempSync(join(tmpdir(), 'authapi-bench-run-'));
const env = cleanEnv({ AUTHAPI_CONFIG_DIR: dir, AUTHAPI_PROFILE: 'local', XDG_RUNTIME_DIR: runtime, XDG_DATA_HOME: dir, AUTHAPI_STORE: 'file' });
// `authapi local` itself, in a process of its own; it writes the "local" profile before
// it prints its JSON line. The usage plan is opened wide: this measures the client.
const local = spawn(process.execPath, [BIN, 'local', '--port', '0', '--json', '--no-state',
  '--parameter-overrides', 'ThrottleRateLimit=1000000', 'ThrottleBurstLimit=1000000', 'DailyQuota=1000000000'],
{ stdio: ['ignore', 'pipe', 'ignore'], env });
let socket;
try {
  await new Promise((resolve, reject) => {
    let buf = '';
    local.stdout.on('data', (c) => {
      buf += c;
      if (buf.includes('\n')) resolve(JSON.parse(buf.slice(0, buf.indexOf('\n'))));
    });
    local.on('exit', (c) => reject(new Error(`authapi local exited (${c})`)));
  });
  const authapi = (args, extra = {}, input) => spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, input, encoding: 'utf8' });
  const login = authapi(['login', '-u', 'demouser', '--password-stdin'], { AUTHAPI_AGENT: '0' }, 'demoPASS123\n');
  if (login.status !== 0) throw new Error(`login failed: ${login.stderr}`);
  // The first call reads the store and starts the agent; the first token call hands it the tokens.
  const check = (route, r) => {
    if (r.status !== 0 || !r.stdout.includes(MESSAGES[route])) throw new Error(`call ${route} failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
  };
  check('require-auth', authapi(['call', 'require-auth']));
  socket = await waitForSocket(join(runtime, 'authapi'));
  const agentPid = await waitForAgent(socket);
  const routes = ['require-auth', 'require-token'];
  check('require-token', authapi(['call', 'require-token']));
  const warm = authapi(['call', 'require-token', '-v']);
  check('require-token', warm);
  if (!warm.stderr.includes('debug: ID token from agent')) throw new Error(`the cached require-token call was not served by the agent:\n${warm.stderr}`);
  const scope = authapi(['call', 'require-scope']);
  if (scope.status === 0 && scope.stdout.includes(MESSAGES['require-scope'])) routes.push('require-scope');
  else console.log(`require-scope not measured (exit ${scope.status}): ${scope.stderr.trim().split('\n').filter((l) => !l.startsWith('warning:')).pop() ?? ''}`);

  const node = process.execPath;
  const timed = interleaved([[node, '-e', ''], ...routes.map((r) => [node, BIN, 'call', r])],
    { runs: Number(process.env.RUNS ?? 30), warmup: 3, env, rotate: true });
  const [floor, auth, ...tokenRoutes] = timed;
  const paired = (a, b, k) => a[k].map((x, i) => x / b[k][i]).sort((x, y) => x - y)[Math.floor(a[k].length / 2)];
  console.log(`credentials agent: warm (pid ${agentPid}); store: file`);
  console.log(`medians, interleaved: node -e '' ${ms(floor.wall)} (cpu ${ms(floor.cpu)}) · ` +
    timed.slice(1).map((t, i) => `call ${routes[i]} ${ms(t.wall)} (cpu ${ms(t.cpu)})`).join(' · '));
  tokenRoutes.forEach((t, i) => {
    const route = routes[i + 1];
    const r = paired(t, auth, 'walls');
    const gate = route === 'require-token';
    result({
      measure: `call ${route} vs call require-auth (cached, agent warm)`,
      ratio: r, target: gate ? '≤ 1.05×' : '— (informational)', pass: gate ? r <= 1.05 : true,
      detail: `${ms(t.wall)} vs ${ms(auth.wall)} wall (median of paired ratios); cpu ${paired(t, auth, 'cpus').toFixed(2)}×`,
    });
  });
} finally {
  local.kill('SIGTERM');
  if (socket) await agentRequest(socket, { op: 'stop' });
  await new Promise((r) => (local.exitCode === null ? local.once('exit', r) : r()));
  for (const d of [dir, runtime]) rmSync(d, { recursive: true, force: true });
}
