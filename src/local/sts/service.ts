// The emulator's STS: GetCallerIdentity for the credentials the Identity Pool issued,
// so `aws sts get-caller-identity --endpoint-url …` shows the assumed role. Query
// protocol (form body or query string), SigV4 with service `sts`.
import { randomUUID } from 'node:crypto';
import type { CredentialRegistry } from '../credentials.js';
import type { Clock, LocalRequest, LocalResponse, StackModel } from '../model.js';
import { getCallerIdentityXml, stsError } from './xml.js';

/** The shape of apigw's verifySigV4 result that STS needs. */
export type SigV4Check =
  | { ok: true; accessKeyId: string; credentials: { roleLogicalId: string } }
  | { ok: false; reason: string; message: string };

export type SigV4Verifier = (
  req: LocalRequest,
  opts: { service: string; region: string; credentials: CredentialRegistry; clock: Clock },
) => Promise<SigV4Check>;

export interface StsServiceOptions {
  stack: StackModel;
  credentials: CredentialRegistry;
  clock: Clock;
  verify: SigV4Verifier;
}

const VERSION = '2011-06-15';
const MISMATCH_PREFIX = 'The request signature we calculated does not match the signature you provided.';
const MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * True when a request is meant for STS: SigV4 scoped to `sts`, or a query-protocol
 * `Action` sent to `/` (STS has no other path, so API routes taking forms are safe).
 */
export function isStsRequest(req: LocalRequest): boolean {
  if (/\/sts\/aws4_request/.test(req.headers.authorization ?? '')) return true;
  const q = req.url.indexOf('?');
  if ((q < 0 ? req.url : req.url.slice(0, q)) !== '/') return false;
  const type = req.headers['content-type'] ?? '';
  if (req.method === 'POST' && type.startsWith('application/x-www-form-urlencoded')) return /(^|&)Action=/.test(req.body.toString('latin1'));
  return /[?&]Action=/.test(req.url);
}

export class StsService {
  constructor(private readonly opts: StsServiceOptions) {}

  async handle(req: LocalRequest): Promise<LocalResponse> {
    const requestId = randomUUID();
    const params = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.set(k, v);
    }
    const check = await this.opts.verify(req, {
      service: 'sts',
      region: this.signingRegion(req),
      credentials: this.opts.credentials,
      clock: this.opts.clock,
    });
    if (!check.ok) return this.refusal(check, requestId);
    const action = params.get('Action');
    if (!action) return stsError(400, 'MissingAction', 'Missing Action', requestId);
    if (action !== 'GetCallerIdentity' || (params.get('Version') ?? VERSION) !== VERSION) {
      return stsError(400, 'InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? VERSION}`, requestId);
    }
    const role = this.opts.stack.roles.find((r) => r.logicalId === check.credentials.roleLogicalId);
    if (!role) return stsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.', requestId);
    const account = this.opts.stack.accountId;
    return getCallerIdentityXml(
      `arn:aws:sts::${account}:assumed-role/${role.name}/CognitoIdentityCredentials`,
      `${role.roleId}:CognitoIdentityCredentials`,
      account,
      requestId,
    );
  }

  /**
   * STS signs with the region of the endpoint the client thinks it talks to. The
   * emulator serves every region on one URL, so it takes the region the client
   * scoped its signature to (any well-formed region name), else the stack's.
   */
  private signingRegion(req: LocalRequest): string {
    const m = /Credential=[^/,\s]+\/\d{8}\/([a-z]{2}(?:-[a-z]+)+-\d+)\/sts\//.exec(req.headers.authorization ?? '');
    return m?.[1] ?? this.opts.stack.region;
  }

  private refusal(check: { reason: string; message: string }, requestId: string): LocalResponse {
    switch (check.reason) {
      case 'missing':
        return stsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token', requestId);
      case 'incomplete':
        return stsError(400, 'IncompleteSignature', check.message, requestId);
      case 'invalid-token':
        return stsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.', requestId);
      case 'expired-token':
        return stsError(403, 'ExpiredToken', 'The security token included in the request is expired', requestId);
      default:
        // A bad signature, a wrong scope and clock skew are all SignatureDoesNotMatch at STS;
        // unlike API Gateway it does not echo the canonical request.
        return stsError(403, 'SignatureDoesNotMatch', check.message.startsWith(MISMATCH_PREFIX) ? MISMATCH_MESSAGE : check.message, requestId);
    }
  }
}
