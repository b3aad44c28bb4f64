// The emulator's Cognito Identity Pool (`AWSCognitoIdentityService.<Op>`, JSON 1.1,
// unsigned): GetId and GetCredentialsForIdentity, built from the stack model's
// identity pools. Credentials go into the shared CredentialRegistry, where the API
// Gateway and STS look them up.
import { randomUUID } from 'node:crypto';
import type { CredentialRegistry, IssuedCredentials } from '../credentials.js';
import { awsJsonError, awsJsonOk } from '../http.js';
import { parseJsonObjectBody } from '../json-body.js';
import type { Clock, IdentityPoolModel, LocalRequest, LocalResponse, StackModel } from '../model.js';
import { stableUuid } from '../template/ids.js';
import { IdentityError, MSG } from './errors.js';
import { newAccessKeyId, newSecretAccessKey, newSessionToken } from './issue-credentials.js';
import { emptyIdentityPoolState, type IdentityPoolState, type IdentityRecord } from './state.js';
import { verifyLogin, type JwksSource, type VerifiedLogin } from './verify-login.js';

export type { IdentityPoolState } from './state.js';
export type { JwksSource } from './verify-login.js';

export interface IdentityPoolServiceOptions {
  stack: StackModel;
  credentials: CredentialRegistry;
  clock: Clock;
  /** The user pool's public keys (CognitoIdpService.jwks). */
  jwks: JwksSource;
  state?: IdentityPoolState;
  onChange?: () => void;
  /** Lifetime of issued credentials; AWS gives one hour. */
  credentialSeconds?: number;
}

const TARGET_PREFIX = 'AWSCognitoIdentityService.';
type Body = Record<string, unknown>;

export class CognitoIdentityService {
  private readonly state: IdentityPoolState;

  constructor(private readonly opts: IdentityPoolServiceOptions) {
    this.state = opts.state ? (JSON.parse(JSON.stringify(opts.state)) as IdentityPoolState) : emptyIdentityPoolState();
  }

  async handle(req: LocalRequest): Promise<LocalResponse> {
    const requestId = randomUUID();
    const target = req.headers['x-amz-target'] ?? '';
    const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    if (req.method !== 'POST' || (op !== 'GetId' && op !== 'GetCredentialsForIdentity')) {
      return awsJsonError('UnknownOperationException', op ? `Unknown operation ${op}` : 'Unknown operation', requestId);
    }
    const parsed = parseJsonObjectBody<Body>(req, requestId);
    if ('error' in parsed) return parsed.error;
    const body = parsed.body;
    try {
      const out = op === 'GetId' ? await this.getId(body) : await this.getCredentialsForIdentity(body);
      return awsJsonOk(out, requestId);
    } catch (err) {
      if (err instanceof IdentityError) return awsJsonError(err.type, err.message, requestId);
      throw err;
    }
  }

  /** Everything that must survive a restart, as plain JSON. */
  snapshot(): IdentityPoolState {
    return JSON.parse(JSON.stringify(this.state)) as IdentityPoolState;
  }

  private async getId(body: Body): Promise<{ IdentityId: string }> {
    const pool = this.pool(requiredString(body, 'IdentityPoolId'));
    const logins = await this.verifyLogins(pool, body.Logins);
    if (logins.length === 0) {
      if (!pool.allowUnauthenticated) throw new IdentityError('NotAuthorizedException', MSG.unauthNotSupported);
      const identityId = `${pool.region}:${randomUUID()}`;
      this.remember(identityId, { identityPoolId: pool.id, logins: {}, createdAt: this.opts.clock.now() });
      return { IdentityId: identityId };
    }
    // One identity per user and pool, the same on every call (and every restart).
    const existing = this.findByLogin(pool.id, logins);
    if (existing) return { IdentityId: existing };
    const first = logins[0] as VerifiedLogin;
    const identityId = `${pool.region}:${stableUuid(`${pool.id}\0${first.providerName}\0${first.sub}`)}`;
    this.remember(identityId, { identityPoolId: pool.id, logins: loginMap(logins), createdAt: this.opts.clock.now() });
    return { IdentityId: identityId };
  }

  private async getCredentialsForIdentity(body: Body): Promise<unknown> {
    const identityId = requiredString(body, 'IdentityId');
    const record = this.state.identities[identityId];
    if (!record) throw new IdentityError('ResourceNotFoundException', MSG.identityNotFound(identityId));
    const pool = this.pool(record.identityPoolId);
    const logins = await this.verifyLogins(pool, body.Logins);
    const linked = Object.entries(record.logins);
    let authenticated: VerifiedLogin | undefined;
    if (linked.length > 0) {
      // An authenticated identity only answers to one of its own logins.
      authenticated = logins.find((l) => record.logins[l.providerName] === l.sub);
      if (!authenticated) throw new IdentityError('NotAuthorizedException', MSG.loginsDontMatch);
    } else if (logins.length > 0) {
      // A guest identity that now brings a login becomes that user's (if the user has none yet).
      if (this.findByLogin(pool.id, logins)) throw new IdentityError('NotAuthorizedException', MSG.loginsDontMatch);
      authenticated = logins[0];
      record.logins = loginMap(logins);
      this.opts.onChange?.();
    } else if (!pool.allowUnauthenticated) {
      throw new IdentityError('NotAuthorizedException', MSG.unauthNotSupported);
    }
    const roleLogicalId = authenticated ? pool.authenticatedRole : pool.unauthenticatedRole;
    if (!roleLogicalId || !this.opts.stack.roles.some((r) => r.logicalId === roleLogicalId)) {
      throw new IdentityError('InvalidIdentityPoolConfigurationException', MSG.badRoles);
    }
    const expirationSeconds = Math.floor(this.opts.clock.now() / 1000) + (this.opts.credentialSeconds ?? 3600);
    const creds: IssuedCredentials = {
      accessKeyId: newAccessKeyId(),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      expiration: expirationSeconds * 1000,
      identityId,
      identityPoolId: pool.id,
      authenticated: authenticated !== undefined,
      roleLogicalId,
    };
    if (authenticated) {
      creds.providerName = authenticated.providerName;
      creds.sub = authenticated.sub;
    }
    this.opts.credentials.add(creds);
    this.opts.onChange?.();
    return {
      Credentials: {
        AccessKeyId: creds.accessKeyId,
        Expiration: expirationSeconds,
        SecretKey: creds.secretAccessKey,
        SessionToken: creds.sessionToken,
      },
      IdentityId: identityId,
    };
  }

  private pool(id: string): IdentityPoolModel {
    const pool = this.opts.stack.identityPools.find((p) => p.id === id);
    if (!pool) throw new IdentityError('ResourceNotFoundException', MSG.poolNotFound(id));
    return pool;
  }

  private async verifyLogins(pool: IdentityPoolModel, logins: unknown): Promise<VerifiedLogin[]> {
    if (logins === undefined || logins === null) return [];
    if (typeof logins !== 'object' || Array.isArray(logins)) {
      throw new IdentityError('InvalidParameterException', 'Logins must be a map of provider name to token.');
    }
    const out: VerifiedLogin[] = [];
    for (const [providerName, token] of Object.entries(logins as Record<string, unknown>)) {
      out.push(await verifyLogin(pool, providerName, token, this.opts.jwks, this.opts.clock));
    }
    return out;
  }

  private findByLogin(identityPoolId: string, logins: VerifiedLogin[]): string | undefined {
    for (const [id, rec] of Object.entries(this.state.identities)) {
      if (rec.identityPoolId !== identityPoolId) continue;
      if (logins.some((l) => rec.logins[l.providerName] === l.sub)) return id;
    }
    return undefined;
  }

  private remember(identityId: string, record: IdentityRecord): void {
    this.state.identities[identityId] = record;
    this.opts.onChange?.();
  }
}

function loginMap(logins: VerifiedLogin[]): Record<string, string> {
  return Object.fromEntries(logins.map((l) => [l.providerName, l.sub]));
}

function requiredString(body: Body, name: string): string {
  const v = body[name];
  if (typeof v !== 'string' || v === '') {
    // AWS's validation wording for a missing member.
    throw new IdentityError('ValidationException', `1 validation error detected: Value null at '${name[0]?.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return v;
}
