// The emulator's Cognito Identity Pool (`AWSCognitoIdentityService.<Op>`, JSON 1.1):
// GetId, GetCredentialsForIdentity and GetOpenIdToken (unsigned), DescribeIdentityPool
// (SigV4 with the administrator credentials), built from the stack model's identity
// pools. Before handing out a role's credentials the role's trust policy must admit
// the identity (trust-policy.ts). Credentials go into the shared CredentialRegistry,
// where the API Gateway and STS look them up.
import { randomUUID } from 'node:crypto';
import type { AdminCheck } from '../admin-credentials.js';
import type { CredentialRegistry, IssuedCredentials } from '../credentials.js';
import { awsJsonError, awsJsonOk, awsJsonText } from '../http.js';
import { parseJsonObjectBody } from '../json-body.js';
import type { Clock, IdentityPoolModel, LocalRequest, LocalResponse, RoleModel, StackModel } from '../model.js';
import { stableUuid } from '../template/ids.js';
import { IdentityError, MSG } from './errors.js';
import { newAccessKeyId, newSecretAccessKey, newSessionToken } from './issue-credentials.js';
import { openIdJwks, signOpenIdToken, OPENID_TOKEN_SECONDS } from './openid-token.js';
import { emptyIdentityPoolState, type IdentityPoolState, type IdentityRecord } from './state.js';
import { trustAdmits } from './trust-policy.js';
import { generateSigningKey } from '../cognito-idp/signing-keys.js';
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
  /** Verifies the SigV4 signature of DescribeIdentityPool; without it the call is refused. */
  admin?: AdminCheck;
}

const TARGET_PREFIX = 'AWSCognitoIdentityService.';
type Body = Record<string, unknown>;

/** Which identity a call ends up on, and what must change in the state if it succeeds. */
interface Resolved {
  identityId: string;
  pool: IdentityPoolModel;
  login?: VerifiedLogin;
  /** Applies the link or merge this call makes (after the role's trust admitted it). */
  commit(): void;
}

export class CognitoIdentityService {
  private readonly state: IdentityPoolState;
  private readonly ops: Record<string, { signed: boolean; run: (body: Body) => Promise<unknown> }> = {
    GetId: { signed: false, run: (b) => this.getId(b) },
    GetCredentialsForIdentity: { signed: false, run: (b) => this.getCredentialsForIdentity(b) },
    GetOpenIdToken: { signed: false, run: (b) => this.getOpenIdToken(b) },
    DescribeIdentityPool: { signed: true, run: async (b) => this.describeIdentityPool(b) },
  };

  constructor(private readonly opts: IdentityPoolServiceOptions) {
    this.state = opts.state ? (JSON.parse(JSON.stringify(opts.state)) as IdentityPoolState) : emptyIdentityPoolState();
  }

  async handle(req: LocalRequest): Promise<LocalResponse> {
    const requestId = randomUUID();
    const target = req.headers['x-amz-target'] ?? '';
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const op = Object.prototype.hasOwnProperty.call(this.ops, name) ? this.ops[name] : undefined;
    if (req.method !== 'POST' || !op) {
      return awsJsonError('UnknownOperationException', name ? `Unknown operation ${name}` : 'Unknown operation', requestId);
    }
    if (op.signed) {
      const check = this.opts.admin
        ? await this.opts.admin(req, 'cognito-identity')
        : { ok: false as const, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
      if (!check.ok) return awsJsonError(check.type, check.message, requestId);
    }
    const parsed = parseJsonObjectBody<Body>(req, requestId);
    if ('error' in parsed) return parsed.error;
    try {
      const out = await op.run(parsed.body);
      if (name === 'GetCredentialsForIdentity') return awsJsonText(withAwsExpiration(out), requestId);
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

  /** Public keys of GetOpenIdToken's tokens (Cognito serves them at /.well-known/jwks_uri). */
  openIdJwks(): { keys: object[] } {
    return openIdJwks(this.openIdKeyState());
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

  /**
   * The identity a call with (IdentityId, Logins) is about, as Cognito decides it:
   * - an authenticated identity answers only to one of its own logins;
   * - a guest identity that brings a login nobody has yet becomes that user's (the
   *   user keeps the guest's id);
   * - a guest identity that brings the login of a user who already has an identity is
   *   merged into it: the answer is the user's identity, and the guest's id is gone.
   * The last two are what aws-amplify expects of a guest who signs in.
   */
  private async resolve(body: Body): Promise<Resolved> {
    const requestedId = requiredString(body, 'IdentityId');
    const record = this.state.identities[requestedId];
    if (!record) throw new IdentityError('ResourceNotFoundException', MSG.identityNotFound(requestedId));
    const pool = this.pool(record.identityPoolId);
    const logins = await this.verifyLogins(pool, body.Logins);
    const none = () => {};
    if (Object.keys(record.logins).length > 0) {
      const login = logins.find((l) => record.logins[l.providerName] === l.sub);
      // Unverified: another user's login on an authenticated identity; Cognito's words for
      // a missing login are these, and the same refusal is given here.
      if (!login) throw new IdentityError('NotAuthorizedException', MSG.loginsDontMatch);
      return { identityId: requestedId, pool, login, commit: none };
    }
    if (logins.length === 0) {
      if (!pool.allowUnauthenticated) throw new IdentityError('NotAuthorizedException', MSG.unauthNotSupported);
      return { identityId: requestedId, pool, commit: none };
    }
    const login = logins[0] as VerifiedLogin;
    const owner = this.findByLogin(pool.id, logins);
    if (owner && owner !== requestedId) {
      return {
        identityId: owner, pool, login,
        commit: () => {
          delete this.state.identities[requestedId];
          this.opts.onChange?.();
        },
      };
    }
    return {
      identityId: requestedId, pool, login,
      commit: () => {
        record.logins = loginMap(logins);
        this.opts.onChange?.();
      },
    };
  }

  /** The pool's role for this identity, if its trust policy lets the Identity Pool assume it. */
  private assumableRole(r: Resolved): RoleModel {
    const logicalId = r.login ? r.pool.authenticatedRole : r.pool.unauthenticatedRole;
    const role = logicalId ? this.opts.stack.roles.find((x) => x.logicalId === logicalId) : undefined;
    const request = { identityPoolId: r.pool.id, identityId: r.identityId, ...(r.login ? { login: r.login } : {}) };
    // A trust policy that does not admit the identity pool (principal, action, aud or
    // amr) gets the same answer as a missing role: AWS's message for both.
    if (!role || !trustAdmits(role.trust, request)) {
      throw new IdentityError('InvalidIdentityPoolConfigurationException', MSG.badRoles);
    }
    return role;
  }

  private async getCredentialsForIdentity(body: Body): Promise<unknown> {
    const r = await this.resolve(body);
    const role = this.assumableRole(r);
    r.commit();
    const expirationSeconds = Math.floor(this.opts.clock.now() / 1000) + (this.opts.credentialSeconds ?? 3600);
    const creds: IssuedCredentials = {
      accessKeyId: newAccessKeyId(),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      expiration: expirationSeconds * 1000,
      identityId: r.identityId,
      identityPoolId: r.pool.id,
      authenticated: r.login !== undefined,
      roleLogicalId: role.logicalId,
    };
    if (r.login) {
      creds.providerName = r.login.providerName;
      creds.sub = r.login.sub;
    }
    this.opts.credentials.add(creds);
    this.opts.onChange?.();
    return {
      Credentials: {
        AccessKeyId: creds.accessKeyId,
        // Epoch seconds, a JSON number: what the SDKs parse into a Date.
        Expiration: expirationSeconds,
        SecretKey: creds.secretAccessKey,
        SessionToken: creds.sessionToken,
      },
      IdentityId: r.identityId,
    };
  }

  /** GetOpenIdToken: a 10-minute OpenID Connect token for the identity (the basic flow's input to STS). */
  private async getOpenIdToken(body: Body): Promise<unknown> {
    const r = await this.resolve(body);
    r.commit();
    const token = await signOpenIdToken(this.openIdKeyState(), {
      identityId: r.identityId,
      identityPoolId: r.pool.id,
      ...(r.login ? { login: r.login } : {}),
      nowSeconds: Math.floor(this.opts.clock.now() / 1000),
    });
    return { IdentityId: r.identityId, Token: token };
  }

  private describeIdentityPool(body: Body): unknown {
    const pool = this.pool(requiredString(body, 'IdentityPoolId'));
    return {
      IdentityPoolId: pool.id,
      IdentityPoolName: pool.name ?? pool.logicalId,
      AllowUnauthenticatedIdentities: pool.allowUnauthenticated,
      AllowClassicFlow: false,
      CognitoIdentityProviders: pool.providers.map((p) => ({ ProviderName: p.providerName, ClientId: p.clientId, ServerSideTokenCheck: p.serverSideTokenCheck ?? false })),
      IdentityPoolTags: {},
    };
  }

  private openIdKeyState(): NonNullable<IdentityPoolState['openIdKey']> {
    if (!this.state.openIdKey) {
      this.state.openIdKey = newOpenIdKey();
      this.opts.onChange?.();
    }
    return this.state.openIdKey;
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

export { OPENID_TOKEN_SECONDS };

function newOpenIdKey(): NonNullable<IdentityPoolState['openIdKey']> {
  // Reuses the User Pool's key maker: an RSA key as a private JWK plus a kid.
  return generateSigningKey();
}

/**
 * Cognito writes Credentials.Expiration as a Java double in scientific notation,
 * `"Expiration":1.515115602E9` (epoch seconds): the same number, in the text clients
 * really receive, so a parser that mishandles the exponent form fails here as it would
 * against AWS.
 */
function withAwsExpiration(out: unknown): string {
  const json = JSON.stringify(out);
  return json.replace(/"Expiration":(\d+)(?=[,}])/, (_m, digits: string) => `"Expiration":${javaDouble(digits)}`);
}

/** Java's Double.toString for a whole number ≥ 10^7: d.ddddE<n>, trailing zeros dropped. */
export function javaDouble(digits: string): string {
  const fraction = digits.slice(1).replace(/0+$/, '') || '0';
  return `${digits[0]}.${fraction}E${digits.length - 1}`;
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
