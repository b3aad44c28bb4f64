// Administrator credentials of the emulated stack. On AWS, the admin operations of
// the User Pool (AdminCreateUser, ListUsers, DescribeUserPool, …) and of the Identity
// Pool (DescribeIdentityPool) need SigV4 from IAM credentials; locally there is no
// IAM, so the emulator issues one long-term key pair per state dir for that purpose
// (`authapi local` keeps it in the profile, never prints it) and verifies every
// signed call against it. A signature from any other key is refused as AWS refuses
// an unknown key.
import type { CredentialRegistry, IssuedCredentials } from './credentials.js';
import { MemoryCredentialRegistry } from './credentials.js';
import { UPPER_ALNUM, newSecretAccessKey, randomFrom } from './identity-pool/issue-credentials.js';
import type { Clock, LocalRequest } from './model.js';

export interface AdminCredentials {
  /** `AKIA` + 16: a long-term key, as an IAM user's. */
  accessKeyId: string;
  secretAccessKey: string;
}

export function newAdminCredentials(): AdminCredentials {
  return { accessKeyId: `AKIA${randomFrom(UPPER_ALNUM, 16)}`, secretAccessKey: newSecretAccessKey() };
}

/** A saved pair as read back from the state dir (anything else is replaced by a new pair). */
export function isAdminCredentials(v: unknown): v is AdminCredentials {
  const o = v as Partial<AdminCredentials> | null;
  return typeof o === 'object' && o !== null && typeof o.accessKeyId === 'string' && /^AKIA[A-Z2-7]{16}$/.test(o.accessKeyId)
    && typeof o.secretAccessKey === 'string' && o.secretAccessKey.length === 40;
}

/** The subset of the SigV4 verifier's answer the admin check needs. */
export type AdminSigV4Result = { ok: true } | { ok: false; reason: string; message: string };
export type AdminSigV4Verifier = (
  req: LocalRequest,
  opts: { service: string; region: string; credentials: CredentialRegistry; clock: Clock },
) => AdminSigV4Result | Promise<AdminSigV4Result>;

export type AdminCheckResult = { ok: true } | { ok: false; type: string; message: string };
/** Checks one request's signature; `service` is the signing name (cognito-idp, cognito-identity). */
export type AdminCheck = (req: LocalRequest, service: string) => Promise<AdminCheckResult>;

/**
 * The AWS JSON services' refusals: an unknown key is UnrecognizedClientException
 * with IAM's sentence (the wording the issue quotes from AWS); the others are the
 * names every JSON 1.x service uses for these cases — unverified for Cognito itself.
 */
export function adminSigV4Check(admins: AdminCredentials[], clock: Clock, defaultRegion: string, verify: AdminSigV4Verifier): AdminCheck {
  const registry = new MemoryCredentialRegistry(admins.map(asIssued));
  return async (req, service) => {
    const result = await verify(req, { service, region: signingRegion(req, service, defaultRegion), credentials: registry, clock });
    if (result.ok) return { ok: true };
    switch (result.reason) {
      case 'missing':
        return { ok: false, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
      case 'incomplete':
        return { ok: false, type: 'IncompleteSignatureException', message: result.message };
      case 'invalid-token':
        return { ok: false, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
      case 'expired-token':
        return { ok: false, type: 'ExpiredTokenException', message: 'The security token included in the request is expired' };
      default:
        // Unlike API Gateway, JSON services do not echo the canonical request.
        return { ok: false, type: 'InvalidSignatureException', message: result.message.split('\n\n')[0] ?? result.message };
    }
  };
}

/**
 * The region the client scoped its signature to (any well-formed name: the emulator
 * serves every region on one URL), else the stack's.
 */
function signingRegion(req: LocalRequest, service: string, fallback: string): string {
  const auth = req.headers.authorization ?? '';
  const m = new RegExp(`Credential=[^/,\\s]+/\\d{8}/([a-z]{2}(?:-[a-z]+)+-\\d+)/${service}/`).exec(auth);
  return m?.[1] ?? fallback;
}

function asIssued(a: AdminCredentials): IssuedCredentials {
  // A long-term key: no session token, never expires; it names no identity or role.
  return {
    accessKeyId: a.accessKeyId,
    secretAccessKey: a.secretAccessKey,
    sessionToken: '',
    expiration: Number.MAX_SAFE_INTEGER,
    identityId: '',
    identityPoolId: '',
    authenticated: false,
    roleLogicalId: '',
  };
}
