// Talking to the credentials agent. Every failure means "no agent" and is never an
// error for the user: a missing socket (ENOENT) or a dead one (ECONNREFUSED) answers
// at once, anything else gives up after a short timeout, and the command carries on
// with the keychain as if there were no agent. Before connecting, the directory and
// the socket are checked to be this user's and private (paths.ts): the credentials we
// `put` must only ever reach our own agent.
import { createConnection } from 'node:net';
import { checkAgentSocket } from './paths.js';
import { MAX_LINE_BYTES, parseResponse, type AgentRequest, type AgentResponse } from './protocol.js';

// A healthy agent answers in well under a millisecond, but on a machine with every core
// busy (CI running test workers in parallel) being scheduled can take a while; 150 ms
// would be tight there. Only an agent that accepts and then hangs costs this wait.
export const CONNECT_TIMEOUT_MS = 500;

export interface RequestOptions {
  timeoutMs?: number;
  /** Where to say why the agent was not used (--verbose). */
  debug?: (line: string) => void;
  /** Skip the ownership checks (the agent pinging its own path before it listens). */
  trusted?: boolean;
}

/** One request, one response; undefined when there is no usable agent. */
export function agentRequest(socketPath: string, req: AgentRequest, opts: RequestOptions = {}): Promise<AgentResponse | undefined> {
  if (!opts.trusted) {
    try {
      if (!checkAgentSocket(socketPath)) return Promise.resolve(undefined);
    } catch (err) {
      opts.debug?.(`credentials agent not used: ${(err as Error).message}`);
      return Promise.resolve(undefined);
    }
  }
  return new Promise((resolve) => {
    let buf = '';
    let settled = false;
    const finish = (r: AgentResponse | undefined, why?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (why) opts.debug?.(`credentials agent not used: ${why}`);
      resolve(r);
    };
    const socket = createConnection(socketPath);
    const timer = setTimeout(() => finish(undefined, `no answer within ${opts.timeoutMs ?? CONNECT_TIMEOUT_MS} ms`), opts.timeoutMs ?? CONNECT_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish(undefined, err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? undefined : err.code ?? err.message));
    socket.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (buf.length > MAX_LINE_BYTES) finish(undefined, 'answer too long');
        return;
      }
      try {
        finish(parseResponse(buf.slice(0, nl)));
      } catch {
        finish(undefined, 'unreadable answer');
      }
    });
    socket.on('end', () => finish(undefined, 'closed without an answer'));
    socket.write(JSON.stringify(req) + '\n');
  });
}

/** The agent's pid when one answers on the path. */
export async function pingAgent(socketPath: string, opts: RequestOptions = {}): Promise<number | undefined> {
  const r = await agentRequest(socketPath, { op: 'ping' }, opts);
  return r?.ok ? r.pid : undefined;
}
