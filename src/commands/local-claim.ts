// Which running `authapi local` serves a profile: `<configDir>/emulators/<profile>.json`
// ({pid, url}), written when an emulator points the profile at itself and removed
// when it stops. A second emulator for the same profile is refused before it starts
// (it would silently repoint the first one's users), and an emulator that stops says
// that the profile now points at nothing.
import { readFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pidAlive } from '../shared/pid-alive.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface Claim {
  pid: number;
  url: string;
}

function claimPath(configDir: string, profile: string): string {
  return join(configDir, 'emulators', `${encodeURIComponent(profile)}.json`);
}

/** The other live emulator serving this profile, if any (a dead one's claim does not count). */
export function liveClaim(configDir: string, profile: string, self = process.pid): Claim | undefined {
  let claim: Partial<Claim>;
  try {
    claim = JSON.parse(readFileSync(claimPath(configDir, profile), 'utf8')) as Partial<Claim>;
  } catch {
    return undefined; // none, or unreadable: nothing to protect
  }
  if (typeof claim.pid !== 'number' || typeof claim.url !== 'string' || claim.pid === self || !pidAlive(claim.pid)) return undefined;
  return { pid: claim.pid, url: claim.url };
}

export async function writeClaim(configDir: string, profile: string, url: string): Promise<void> {
  await writeFileAtomic(claimPath(configDir, profile), JSON.stringify({ pid: process.pid, url } satisfies Claim) + '\n', 0o600);
}

/** Removes the claim if it is still ours. */
export async function releaseClaim(configDir: string, profile: string): Promise<void> {
  try {
    const claim = JSON.parse(readFileSync(claimPath(configDir, profile), 'utf8')) as Partial<Claim>;
    if (claim.pid !== process.pid) return;
    await unlink(claimPath(configDir, profile));
  } catch { /* gone already */ }
}
