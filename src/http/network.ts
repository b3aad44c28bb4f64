// The network settings of one request, from the environment: the proxy it goes
// through (proxy.ts) and the CAs it trusts (trust.ts). One place, so that every
// client authapi uses — `call`'s own, `batch`'s undici pool, the User Pool's JSON
// calls, the JWKS fetch and the AWS SDK clients — reads them the same way.
import { anyProxyEnv, proxyFor, type Proxy } from './proxy.js';
import { caFor } from './trust.js';
import { ConfigError } from '../errors.js';

export interface Network {
  proxy?: Proxy;
  ca?: string[];
}

/** `debug` gets one line saying which way the request goes (the proxy's password masked). */
export function networkFor(url: URL | { protocol: string; hostname: string; port: string }, env: NodeJS.ProcessEnv, debug?: (line: string) => void): Network {
  const proxy = anyProxyEnv(env) ? proxyFor(url, env) : undefined;
  if (anyProxyEnv(env)) debug?.(proxy ? `${url.hostname}: through the proxy ${proxy.display} (${proxy.source})` : `${url.hostname}: no proxy (NO_PROXY)`);
  // CAs matter only to a TLS connection: to an https:// target, or to an https:// proxy.
  const tls = url.protocol === 'https:' || proxy?.protocol === 'https:';
  return { proxy, ca: tls ? caFor(env) : undefined };
}

/** Whether anything in the environment changes how connections are made. */
export function customNetwork(env: NodeJS.ProcessEnv): boolean {
  return anyProxyEnv(env) || Boolean(env.AWS_CA_BUNDLE);
}

/**
 * The AWS SDK's requestHandler options for this environment: agents that route each
 * connection through the proxy NO_PROXY leaves it to, and trust AWS_CA_BUNDLE; plus
 * connect and request timeouts. undefined when nothing is set (the SDK's defaults).
 */
export async function sdkRequestHandler(env: NodeJS.ProcessEnv, timeouts: { connectMs: number; requestMs: number }): Promise<Record<string, unknown>> {
  const base = { connectionTimeout: timeouts.connectMs, requestTimeout: timeouts.requestMs };
  if (!customNetwork(env)) return base;
  const { routingAgent } = await import('./tunnel.js');
  const ca = caFor(env);
  const route = (protocol: string) => (hostname: string, port: number) => proxyFor({ protocol, hostname, port: String(port) }, env);
  return { ...base, httpAgent: routingAgent('http', route('http:'), ca), httpsAgent: routingAgent('https', route('https:'), ca) };
}

/**
 * The per-attempt timeout of the requests authapi makes for itself (User Pool,
 * Identity Pool, JWKS), in ms: AUTHAPI_TIMEOUT seconds when set (0: none), else
 * `fallbackMs`. `call` and `batch` have --timeout.
 */
export function serviceTimeoutMs(env: NodeJS.ProcessEnv, fallbackMs: number): number {
  const v = env.AUTHAPI_TIMEOUT;
  if (v === undefined || v.trim() === '') return fallbackMs;
  const seconds = Number(v);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new ConfigError(`AUTHAPI_TIMEOUT=${JSON.stringify(v)}: expected seconds (0 for none)`, 'unset it, or set a number of seconds');
  }
  return seconds * 1000;
}
