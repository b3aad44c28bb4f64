// `batch --rate`: requests started per second (or per minute), so that a run stays
// inside an API key's usage plan instead of meeting 429s. A token bucket of one token
// (each request waits for its own slot: start times at least 1/rate apart), which
// stays inside any plan whose rate is at least this and whose burst is at least 1.
import type { Clock } from '../clock.js';
import { UsageError } from '../errors.js';

/** `10`, `10/s`, `600/m` (per minute), `0.5` → requests per second. */
export function parseRate(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute))?\s*$/i.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!m || !(n > 0)) throw new UsageError(`--rate ${JSON.stringify(text)}: expected requests per second (10), or N/m per minute (600/m)`);
  return /^m/i.test(m[2] ?? '') ? n / 60 : n;
}

export interface Pacer {
  /** Resolves when the next request may start (at once if it is time already). */
  next(signal?: AbortSignal): Promise<void>;
}

export function pacer(perSecond: number, clock: Clock): Pacer {
  const interval = 1000 / perSecond;
  let slot = -Infinity; // when the next request may start, epoch ms
  return {
    async next(signal) {
      const now = clock.now();
      const at = Math.max(now, slot);
      // An idle spell earns no burst: the bucket holds one token.
      slot = at + interval;
      if (at > now) await clock.sleep(at - now, signal);
    },
  };
}
