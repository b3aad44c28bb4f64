// Physical ids for the emulated resources. They are derived from the stack name and
// the logical id (never random), so a profile written by one run of `authapi local`
// still points at the same pool, client and API after a restart.
import { createHash, randomBytes } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function hashBytes(seed: string, length: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * 32 < length; i++) out.push(createHash('sha256').update(`${seed}\0${i}`).digest());
  return Buffer.concat(out).subarray(0, length);
}

function fromBytes(bytes: Buffer, alphabet: string): string {
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}

/** Deterministic string over `alphabet` for one resource of one stack. */
export function stableString(stackName: string, logicalId: string, purpose: string, length: number, alphabet: string): string {
  return fromBytes(hashBytes(`${stackName}\0${logicalId}\0${purpose}`, length), alphabet);
}

/** `<region>_<9 alnum>`, the shape of a real user pool id. */
export function userPoolId(region: string, stackName: string, logicalId: string): string {
  return `${region}_${stableString(stackName, logicalId, 'userpool', 9, MIXED_ALNUM)}`;
}

/** 26 lower-case alphanumerics, like a real app client id. */
export function userPoolClientId(stackName: string, logicalId: string): string {
  return stableString(stackName, logicalId, 'client', 26, LOWER_ALNUM);
}

/** A UUID (version 4 layout) from a seed, deterministic. */
export function stableUuid(seed: string): string {
  const b = hashBytes(seed, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `<region>:<uuid>` */
export function identityPoolId(region: string, stackName: string, logicalId: string): string {
  return `${region}:${stableUuid(`${stackName}\0${logicalId}\0identitypool`)}`;
}

/** 10 lower-case alphanumerics (REST API ids, API key ids). */
export function apiGatewayId(stackName: string, logicalId: string, purpose = 'restapi'): string {
  return stableString(stackName, logicalId, purpose, 10, LOWER_ALNUM);
}

/** 32 lower-case alphanumerics: the first label of a function URL's host. */
export function functionUrlId(stackName: string, functionLogicalId: string): string {
  return stableString(stackName, functionLogicalId, 'functionurl', 32, LOWER_ALNUM);
}

/** 6 lower-case alphanumerics, like a usage plan id. */
export function usagePlanId(stackName: string, logicalId: string): string {
  return stableString(stackName, logicalId, 'usageplan', 6, LOWER_ALNUM);
}

/** `AROA` + 17 upper-case alphanumerics. */
export function roleId(stackName: string, logicalId: string): string {
  return `AROA${stableString(stackName, logicalId, 'roleid', 17, UPPER_ALNUM)}`;
}

/** CloudFormation's generated name: `<stack>-<logicalId>-<12 upper alnum>`, at most 64 chars. */
export function generatedName(stackName: string, logicalId: string, max = 64): string {
  const suffix = stableString(stackName, logicalId, 'name', 12, UPPER_ALNUM);
  const head = `${stackName}-${logicalId}`.slice(0, max - 13);
  return `${head}-${suffix}`;
}

/** Random secret strings (client secrets, API key values); persisted by the caller. */
export function randomString(length: number, alphabet: string): string {
  return fromBytes(randomBytes(length), alphabet);
}

export function randomClientSecret(): string {
  return randomString(52, LOWER_ALNUM);
}

export function randomApiKeyValue(): string {
  return randomString(40, MIXED_ALNUM);
}
