// How a profile is shown to people and scripts: secrets masked the way the AWS CLI
// does (`****` + last four characters), never in full.
import type { Profile } from './profile.js';

export function mask(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.length <= 8 ? '****' : `****${value.slice(-4)}`;
}

export function redactedProfile(p: Partial<Profile>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...p };
  if (p.apiKey !== undefined) out.apiKey = mask(p.apiKey);
  if (p.clientSecret !== undefined) out.clientSecret = mask(p.clientSecret);
  if (p.admin !== undefined) out.admin = { accessKeyId: p.admin.accessKeyId, secretAccessKey: mask(p.admin.secretAccessKey) };
  return out;
}
