// The credentials agent: holds the short-lived AWS credentials of recent `authapi`
// commands, and the logins' ID and access tokens (never refresh tokens), in memory
// (never on disk) and hands them back over a 0600 Unix socket in
// a 0700 directory, so that `authapi call` does not load the keychain addon and read
// the keychain every run. It exits by itself: after IDLE_MS without a request, or
// sooner (EMPTY_IDLE_MS) once it holds nothing; expired entries are dropped. The
// clock and the timer are injectable so tests can drive the idle rules without waiting.
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import {
  MAX_LINE_BYTES, ProtocolError, parseRequest, type AgentCredentials, type AgentRequest, type AgentResponse, type AgentTokens,
} from './protocol.js';
import { agentRequest } from './client.js';
import { prepareAgentDir } from './paths.js';
import { signWithCredentials } from './sign-request.js';

export const IDLE_MS = 15 * 60_000;
export const EMPTY_IDLE_MS = 60_000;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface AgentServerOptions {
  socketPath: string;
  initial?: Record<string, AgentCredentials>;
  initialTokens?: Record<string, AgentTokens>;
  idleMs?: number;
  emptyIdleMs?: number;
  clock?: { now(): number };
  timers?: Timers;
}

export type ExitReason = 'idle' | 'empty' | 'stop' | 'signal' | 'error';

export interface AgentServer {
  readonly socketPath: string;
  /** Keys held right now, with credentials or tokens or both (expired ones dropped first). */
  keys(): string[];
  close(reason?: ExitReason): Promise<void>;
  /** Resolves with why the agent stopped. */
  readonly closed: Promise<ExitReason>;
}

/**
 * Starts listening, or returns undefined when another agent already answers on the
 * path (the caller then exits at once). A stale socket file (its agent died) is replaced.
 */
export async function startAgentServer(opts: AgentServerOptions): Promise<AgentServer | undefined> {
  const clock = opts.clock ?? { now: () => Date.now() };
  const timers = opts.timers ?? realTimers;
  const idleMs = opts.idleMs ?? IDLE_MS;
  const emptyIdleMs = opts.emptyIdleMs ?? EMPTY_IDLE_MS;
  const entries = new Map<string, AgentCredentials>(Object.entries(opts.initial ?? {}));
  const tokens = new Map<string, AgentTokens>(Object.entries(opts.initialTokens ?? {}));
  // When each key (and everything, '') was last forgotten: late puts of older reads are
  // ignored. Forgetting only a key's tokens is recorded apart: it holds back late tokens only.
  const forgotten = new Map<string, number>();
  const tokensForgotten = new Map<string, number>();
  const forgottenAt = (key: string) => Math.max(forgotten.get(key) ?? -Infinity, forgotten.get('') ?? -Infinity);
  const tokensForgottenAt = (key: string) => Math.max(forgottenAt(key), tokensForgotten.get(key) ?? -Infinity);
  const size = () => new Set([...entries.keys(), ...tokens.keys()]).size;
  let lastRequest = clock.now();
  let timer: unknown;
  let closing: Promise<void> | undefined;
  let resolveClosed!: (r: ExitReason) => void;
  const closed = new Promise<ExitReason>((r) => (resolveClosed = r));

  prepareAgentDir(opts.socketPath);
  const open = new Set<Socket>();
  const server = createServer({ allowHalfOpen: false }, (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    serve(socket);
  });
  try {
    await listen(server, opts.socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    if (await agentRequest(opts.socketPath, { op: 'ping' }, { trusted: true })) return undefined;
    // A socket file without an agent behind it: a previous agent was killed.
    try {
      unlinkSync(opts.socketPath);
    } catch { /* another starter removed it first; listen decides */ }
    await listen(server, opts.socketPath);
  }
  chmodSync(opts.socketPath, 0o600);

  const sweep = () => {
    const now = clock.now();
    for (const [k, c] of entries) if (c.expiration <= now) entries.delete(k);
    for (const [k, t] of tokens) if (t.expiresAt <= now) tokens.delete(k);
  };

  const schedule = () => {
    if (timer !== undefined) timers.clear(timer);
    sweep();
    const now = clock.now();
    let at = lastRequest + (size() ? idleMs : emptyIdleMs);
    for (const c of entries.values()) at = Math.min(at, Math.max(c.expiration, lastRequest + emptyIdleMs));
    for (const t of tokens.values()) at = Math.min(at, Math.max(t.expiresAt, lastRequest + emptyIdleMs));
    timer = timers.set(onTimer, Math.max(0, at - now));
  };

  const onTimer = () => {
    timer = undefined;
    if (closing) return;
    sweep();
    const idle = clock.now() - lastRequest;
    if (idle >= idleMs) void close('idle');
    else if (size() === 0 && idle >= emptyIdleMs) void close('empty');
    else schedule();
  };

  const handle = (req: AgentRequest): AgentResponse => {
    sweep();
    switch (req.op) {
      case 'get': {
        const c = entries.get(req.key);
        return c ? { ok: true, credentials: c } : { ok: true };
      }
      case 'put': {
        const late = (at: number) => req.readAt !== undefined && req.readAt <= at;
        if (req.credentials && !late(forgottenAt(req.key))) {
          if (req.credentials.expiration > clock.now()) entries.set(req.key, req.credentials);
          else entries.delete(req.key);
        }
        if (req.tokens && !late(tokensForgottenAt(req.key))) {
          if (req.tokens.expiresAt > clock.now()) tokens.set(req.key, req.tokens);
          else tokens.delete(req.key);
        }
        return { ok: true };
      }
      case 'forget':
        if (req.key === undefined) {
          entries.clear();
          tokens.clear();
        } else {
          if (req.only !== 'tokens') entries.delete(req.key);
          tokens.delete(req.key);
        }
        (req.only === 'tokens' ? tokensForgotten : forgotten).set(req.key ?? '', clock.now());
        return { ok: true };
      case 'token': {
        const t = tokens.get(req.key);
        if (!t || t.clientId !== req.clientId || t.expiresAt <= req.validUntil) return { ok: true };
        return { ok: true, token: req.kind === 'id' ? t.idToken : t.accessToken };
      }
      case 'sign': {
        const c = entries.get(req.key);
        if (!c || c.identityPoolId !== req.identityPoolId || c.expiration <= req.validUntil) return { ok: true };
        try {
          return { ok: true, signed: signWithCredentials(c, req.request) };
        } catch (err) {
          return { ok: false, error: `cannot sign: ${(err as Error).message}` };
        }
      }
      case 'ping':
        return { ok: true, pid: process.pid, entries: size() };
      case 'stop':
        return { ok: true };
    }
  };

  function serve(socket: Socket): void {
    let buf = '';
    let done = false;
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      if (done) return;
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (buf.length > MAX_LINE_BYTES) reply({ ok: false, error: 'request too long' });
        return;
      }
      let req: AgentRequest;
      try {
        req = parseRequest(buf.slice(0, nl));
      } catch (err) {
        reply({ ok: false, error: err instanceof ProtocolError ? err.message : 'bad request' });
        return;
      }
      lastRequest = clock.now();
      reply(handle(req));
      if (req.op === 'stop') void close('stop');
      else if (!closing) schedule();
    });
    function reply(r: AgentResponse): void {
      done = true;
      socket.end(JSON.stringify(r) + '\n');
    }
  }

  function close(reason: ExitReason = 'stop'): Promise<void> {
    return (closing ??= new Promise<void>((resolve) => {
      if (timer !== undefined) timers.clear(timer);
      entries.clear();
      tokens.clear();
      server.close(() => resolve());
      // Let in-flight replies finish, but never hold the exit for a slow client.
      setTimeout(() => { for (const s of open) s.destroy(); }, 100).unref();
      try {
        unlinkSync(opts.socketPath);
      } catch { /* already gone */ }
    }).then(() => resolveClosed(reason)));
  }

  schedule();
  return {
    socketPath: opts.socketPath,
    keys: () => (sweep(), [...new Set([...entries.keys(), ...tokens.keys()])]),
    close,
    closed,
  };
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
