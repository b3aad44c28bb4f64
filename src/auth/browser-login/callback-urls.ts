// Which loopback redirect URIs authapi may listen on. Cognito compares redirect URIs
// as exact strings and has no port wildcard, so the pool registers a few fixed ones
// (infra/template.yaml's LoginCallbackUrls) and authapi tries them in order.
import { UsageError } from '../../errors.js';
import type { Profile } from '../../config/profile.js';

/** The template's default CallbackURLs, used when the profile names none. */
export const DEFAULT_CALLBACK_URLS = [47801, 47802, 47803].map((p) => `http://127.0.0.1:${p}/callback`);

export interface CallbackTarget {
  /** Exactly as registered: it is also the redirect_uri sent. */
  url: string;
  host: string;
  port: number;
  path: string;
}

export function parseCallback(url: string): CallbackTarget {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return { url, host, port: Number(u.port || 80), path: u.pathname };
}

export function callbackTargets(profile: Profile, port?: number): CallbackTarget[] {
  const registered = (profile.loginCallbackUrls ?? DEFAULT_CALLBACK_URLS).map(parseCallback);
  if (port === undefined) return registered;
  const chosen = registered.filter((t) => t.port === port);
  if (chosen.length === 0) {
    throw new UsageError(`--port ${port} is not the port of a registered callback URL (${registered.map((t) => t.url).join(', ')})`,
      'pick one of those ports, or register http://127.0.0.1:PORT/callback with the app client and in the profile (loginCallbackUrls)');
  }
  return chosen;
}
