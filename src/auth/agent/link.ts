// How the session layer (get-credentials.ts, get-token.ts, agent-token.ts, login-complete.ts,
// end-session.ts) uses the credentials agent: ask it first,
// tell it what the keychain gave us (starting it when none runs), make it forget a
// session that ended. Off when the context has an injected secret store (in-process
// tests), with AUTHAPI_AGENT=0, on Windows, or when dist/agent.cjs is not there.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Context } from '../../context.js';
import { agentRequest, pingAgent } from './client.js';
import { agentSocketPath, agentSupported } from './paths.js';
import {
  agentKey, type AgentCredentials, type AgentRequest, type AgentResponse, type AgentSignRequest, type AgentSigned, type AgentStart,
  type AgentTokens,
} from './protocol.js';
import type { TokenKind } from '../credentials.js';

export { agentKey };

/**
 * dist/agent.cjs: next to dist/cli.cjs in the bundle; from the sources (vitest),
 * <repo>/dist/agent.cjs as built by `node scripts/build.mjs`.
 */
export function agentScript(): string | undefined {
  if (typeof __dirname !== 'string') return undefined;
  const path = basename(__dirname) === 'dist' ? join(__dirname, 'agent.cjs') : resolve(__dirname, '..', '..', '..', 'dist', 'agent.cjs');
  return existsSync(path) ? path : undefined;
}

export function agentEnabled(ctx: Context): boolean {
  return !ctx.secretStore && ctx.env.AUTHAPI_AGENT !== '0' && agentSupported();
}

interface LinkState {
  socketPath: string;
  /** Set once a request found no agent: the next `share` starts one instead of asking again. */
  absent?: boolean;
}

const links = new WeakMap<Context, LinkState>();

function link(ctx: Context): LinkState {
  let l = links.get(ctx);
  if (!l) links.set(ctx, (l = { socketPath: agentSocketPath(ctx.configDir, ctx.env) }));
  return l;
}

export function agentSocketFor(ctx: Context): string {
  return link(ctx).socketPath;
}

const debugOf = (ctx: Context) => (line: string) => ctx.io.debug(line);

/** One question to the agent; none answering is remembered (the next `share` starts one). */
async function ask(ctx: Context, req: AgentRequest): Promise<AgentResponse | undefined> {
  const l = link(ctx);
  const r = await agentRequest(l.socketPath, req, { debug: debugOf(ctx) });
  if (!r) l.absent = true;
  return r;
}

/** The agent's credentials for the key, if it runs and has them. */
export async function agentGet(ctx: Context, key: string): Promise<AgentCredentials | undefined> {
  const r = await ask(ctx, { op: 'get', key });
  return r?.ok ? r.credentials : undefined;
}

/**
 * The request signed by the agent with the key's credentials, if it runs and holds
 * credentials for `identityPoolId` valid past `validUntil`. An older agent without
 * the `sign` op answers ok:false: undefined too, and the caller signs itself.
 */
export async function agentSign(
  ctx: Context, key: string, identityPoolId: string, validUntil: number, request: AgentSignRequest,
): Promise<AgentSigned | undefined> {
  const r = await ask(ctx, { op: 'sign', key, identityPoolId, validUntil, request });
  if (r && !r.ok) ctx.io.debug(`credentials agent did not sign: ${r.error}`);
  return r?.ok ? r.signed : undefined;
}

/**
 * The login's ID or access token, if the agent runs and holds one issued to `clientId`
 * and valid past `validUntil`. An older agent without the `token` op answers ok:false:
 * undefined too, and the caller reads the store.
 */
export async function agentToken(ctx: Context, key: string, kind: TokenKind, clientId: string, validUntil: number): Promise<string | undefined> {
  const r = await ask(ctx, { op: 'token', key, kind, clientId, validUntil });
  if (r && !r.ok) {
    ctx.io.debug(`credentials agent gave no token: ${r.error}`);
    if (isOlderAgent(r.error)) await replaceOlderAgent(ctx);
  }
  return r?.ok ? r.token : undefined;
}

/** An agent started by an earlier build of authapi answers an op it does not know so. */
export function isOlderAgent(error: string | undefined): boolean {
  return /^unknown op "/.test(error ?? '');
}

/**
 * An agent of an earlier build (after an upgrade) would never hold tokens: every token
 * route would read the keychain until it exits, which it does not while IAM routes keep
 * it busy. It is stopped, and marked absent, so the tokens this command reads from the
 * store start a current agent holding them.
 */
async function replaceOlderAgent(ctx: Context): Promise<void> {
  ctx.io.debug('the credentials agent is from an earlier authapi; stopping it so a current one starts');
  await agentRequest(link(ctx).socketPath, { op: 'stop' }, { debug: debugOf(ctx) });
  link(ctx).absent = true;
}

/** What a command hands the agent for a key: credentials, a user's tokens, or both. */
export interface AgentHeld {
  credentials?: AgentCredentials;
  tokens?: AgentTokens;
}

/**
 * Hands credentials or tokens just read from the keychain (or just fetched) to the
 * agent, or starts one holding them. Never waits for the new agent and never fails the
 * command. `readAt` (ctx.clock) is when the store was read: a logout after it wins
 * (protocol.ts). `start: false` only updates a running agent (login: the first command
 * starts it).
 */
export async function agentShare(ctx: Context, key: string, held: AgentHeld, opts: { readAt?: number; start?: boolean } = {}): Promise<void> {
  if (!held.credentials && !held.tokens) return;
  const l = link(ctx);
  if (!l.absent) {
    const r = await agentRequest(l.socketPath, {
      op: 'put', key, ...held, ...(opts.readAt === undefined ? {} : { readAt: opts.readAt }),
    }, { debug: debugOf(ctx) });
    if (r) return;
  }
  if (opts.start === false) return;
  l.absent = false; // whatever happens next, do not start two agents from one command
  await startAgent(ctx, {
    v: 1, socketPath: l.socketPath,
    entries: held.credentials ? { [key]: held.credentials } : {},
    ...(held.tokens ? { tokens: { [key]: held.tokens } } : {}),
  });
}

/**
 * Forgets keys (all of them when none is given); a no-op without an agent.
 * `only: 'tokens'` keeps the keys' credentials (a refused token says nothing about them).
 */
export async function agentForget(ctx: Context, keys?: string[], opts: { only?: 'tokens' } = {}): Promise<void> {
  const l = link(ctx);
  if (!keys) {
    await agentRequest(l.socketPath, { op: 'forget' }, { debug: debugOf(ctx) });
    return;
  }
  await Promise.all(keys.map((key) => agentRequest(l.socketPath, { op: 'forget', key, ...(opts.only ? { only: opts.only } : {}) }, { debug: debugOf(ctx) })));
}

/** Stops the agent of this config directory; true when one was running. */
export async function agentStop(ctx: Context): Promise<boolean> {
  return Boolean(await agentRequest(link(ctx).socketPath, { op: 'stop' }, { debug: debugOf(ctx) }));
}

export function agentPid(ctx: Context): Promise<number | undefined> {
  return pingAgent(link(ctx).socketPath, { debug: debugOf(ctx) });
}

async function startAgent(ctx: Context, start: AgentStart): Promise<void> {
  const script = agentScript();
  if (!script) {
    ctx.io.debug('credentials agent not started: dist/agent.cjs not found');
    return;
  }
  const { spawn } = await import('node:child_process'); // only the command that starts an agent pays for it
  return new Promise((resolvePromise) => {
    let child;
    try {
      // An empty environment and / as cwd: the agent needs neither, and inherits no
      // NODE_OPTIONS preloads or secrets from ours.
      child = spawn(process.execPath, [script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: {}, cwd: '/' });
    } catch (err) {
      ctx.io.debug(`credentials agent not started: ${(err as Error).message}`);
      resolvePromise();
      return;
    }
    child.on('error', (err) => ctx.io.debug(`credentials agent not started: ${err.message}`));
    child.stdin!.on('error', () => resolvePromise()); // the agent exited at once (another one runs)
    // Wait only for our end of the pipe to be written, never for the agent.
    child.stdin!.end(JSON.stringify(start), () => resolvePromise());
    child.unref();
    ctx.io.debug(`credentials agent started (pid ${child.pid}) on ${start.socketPath}`);
  });
}
