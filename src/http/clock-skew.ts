// Clock skew: API Gateway refuses a signature more than 5 minutes away from its
// own clock ("Signature expired: … is now earlier than …" / "Signature not yet
// current: … is still later than …"). Like the AWS SDKs (systemClockOffset), we
// read the server's time from the answer's Date header, re-sign once with the
// corrected time, and remember the offset per profile so the next run starts right.
// The offset is not secret; it lives in <config dir>/clock-skew.json (atomic write).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { HttpResponse } from './client.js';

export const SKEW_FILE = 'clock-skew.json';

interface SkewEntry {
  offsetMs: number;
  measuredAt: string;
}
type SkewFile = Record<string, SkewEntry>;

export function isSkewError(res: HttpResponse): boolean {
  if (res.status !== 403) return false;
  const text = res.body.toString('utf8', 0, 1000);
  return text.includes('Signature expired') || text.includes('Signature not yet current');
}

/** Server time minus local time, from the Date header; undefined without a usable Date. */
export function offsetFromResponse(res: HttpResponse, localNow: number): number | undefined {
  const date = res.headers['date'];
  if (typeof date !== 'string') return undefined;
  const server = Date.parse(date);
  if (Number.isNaN(server)) return undefined;
  return server - localNow;
}

async function readSkewFile(configDir: string): Promise<SkewFile> {
  try {
    // Synchronous: a tiny file read on every `call`, which should not load node:fs/promises.
    const data = JSON.parse(readFileSync(join(configDir, SKEW_FILE), 'utf8')) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as SkewFile) : {};
  } catch {
    // Missing or unreadable: no known offset. It is a cache, not configuration.
    return {};
  }
}

export async function loadOffset(configDir: string, profile: string): Promise<number> {
  const entry = (await readSkewFile(configDir))[profile];
  return entry && Number.isFinite(entry.offsetMs) ? entry.offsetMs : 0;
}

export async function saveOffset(configDir: string, profile: string, offsetMs: number, now: number): Promise<void> {
  const data = await readSkewFile(configDir);
  data[profile] = { offsetMs, measuredAt: new Date(now).toISOString() };
  await writeFileAtomic(join(configDir, SKEW_FILE), JSON.stringify(data, null, 2) + '\n', 0o600);
}
