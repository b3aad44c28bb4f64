// Which proxy, if any, a request goes through — read from the environment the way
// curl and the AWS CLI read it:
//   - https:// targets use HTTPS_PROXY (or https_proxy), http:// targets HTTP_PROXY
//     (or http_proxy); the lower-case name wins when both are set (curl, Python);
//   - a proxy URL is http://[user:pass@]host[:port] (no scheme means http://; port
//     1080 is not assumed, the default is 80, or 443 for https://), credentials are
//     percent-decoded and sent as Proxy-Authorization: Basic;
//   - NO_PROXY (or no_proxy) is a comma- or space-separated list: `*` (everything),
//     a host name, which also covers its subdomains (`example.com` and `.example.com`
//     both match example.com and a.example.com), `host:port` (that port only), an IP
//     address, or an IP range in CIDR form (`10.0.0.0/8`). Loopback is not exempt by
//     itself, as with curl: list `localhost,127.0.0.1` to bypass the proxy for it.
// Nothing here opens a connection; tunnel.ts does, for each client authapi uses.
import { ConfigError } from '../errors.js';

export interface ProxyTarget {
  protocol: string;
  hostname: string;
  /** '' for the protocol's default port. */
  port: string;
}

export interface Proxy {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** `Basic …` when the proxy URL carried credentials. */
  authorization?: string;
  /** The variable it came from, for messages (e.g. "HTTPS_PROXY"). */
  source: string;
  /** The proxy URL with any password masked: safe in messages and --verbose. */
  display: string;
  /** The URL as given (credentials included), for clients that take a URL. */
  href: string;
  /** The password in clear, so the caller can register it with the redactor. */
  secret?: string;
}

const first = (env: NodeJS.ProcessEnv, names: string[]): [string, string] | undefined => {
  for (const name of names) {
    const v = env[name];
    if (v !== undefined && v.trim() !== '') return [name, v.trim()];
  }
  return undefined;
};

/** The proxy for requests to `target`, or undefined when none is set or NO_PROXY exempts it. */
export function proxyFor(target: ProxyTarget, env: NodeJS.ProcessEnv): Proxy | undefined {
  const https = target.protocol === 'https:';
  const set = first(env, https ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']);
  if (!set) return undefined;
  const noProxy = first(env, ['no_proxy', 'NO_PROXY']);
  const port = target.port || (https ? '443' : '80');
  if (noProxy && noProxyMatches(noProxy[1], target.hostname, port)) return undefined;
  return parseProxyUrl(set[1], set[0]);
}

/** Whether any proxy variable is set at all (a cheap check for the hot path). */
export function anyProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY);
}

export function parseProxyUrl(value: string, source: string): Proxy {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${source} is not a URL`, 'set it to http://host:port (or http://user:password@host:port)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${source}: ${url.protocol}// proxies are not supported`, 'use an http:// or https:// proxy URL');
  }
  if (!url.hostname) throw new ConfigError(`${source} has no host`, 'set it to http://host:port');
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  const authorization = user || pass ? `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` : undefined;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const hostPart = hostname.includes(':') ? `[${hostname}]` : hostname;
  const userPart = user || pass ? `${encodeURIComponent(user)}${pass ? ':***' : ''}@` : '';
  return {
    protocol: url.protocol,
    hostname,
    port,
    authorization,
    source,
    display: `${url.protocol}//${userPart}${hostPart}:${port}`,
    href: url.href,
    secret: pass || undefined,
  };
}

/** NO_PROXY matching (see the top of this file). `port` is the effective port. */
export function noProxyMatches(noProxy: string, hostname: string, port: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    // A port: "host:port", "[v6]:port"; a bare IPv6 address has colons but no port.
    let entryPort: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entry = bracketed[1]!;
      entryPort = bracketed[2];
    } else {
      const m = /^([^:]+):(\d+)$/.exec(entry);
      if (m) {
        entry = m[1]!;
        entryPort = m[2];
      }
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    entry = entry.replace(/^\*?\./, '').replace(/\.$/, '');
    if (!entry) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const net = process.getBuiltinModule('node:net') as typeof import('node:net');
  const [base, bitsText] = cidr.split('/');
  const family = net.isIP(base ?? '');
  const hostFamily = net.isIP(host);
  const bits = Number(bitsText);
  if (!family || !hostFamily || !/^\d+$/.test(bitsText ?? '') || bits > (family === 4 ? 32 : 128)) return false;
  const list = new net.BlockList();
  list.addSubnet(base!, bits, family === 4 ? 'ipv4' : 'ipv6');
  return list.check(host, hostFamily === 4 ? 'ipv4' : 'ipv6');
}
