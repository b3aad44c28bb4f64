// The emulator's Cognito User Pool service (issue 5, point 2): the real JSON 1.1
// wire protocol (`X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`), built from
// the stack model's pools. Persistent state (users, signing keys, refresh tokens,
// lockouts) is plain JSON the owner saves through snapshot() whenever onChange fires.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock, LocalRequest, LocalResponse, UserPoolClientModel, UserPoolModel } from '../model.js';
import { awsJsonError, awsJsonOk } from '../http.js';
import { parseJsonObjectBody } from '../json-body.js';
import * as admin from './admin-ops.js';
import { initiateAuth, passwordAuth, respondToAuthChallenge } from './auth-flows.js';
import { ChallengeStore } from './challenges.js';
import { findUser, type IdpContext, type PoolRuntime } from './context.js';
import { CognitoError } from './errors.js';
import { generateSigningKey, loadSigningKey, type LoadedKey } from './signing-keys.js';
import { emptyState, type CognitoIdpState, type PoolState } from './state.js';
import * as userOps from './user-ops.js';
import { createUser, setPassword } from './users.js';
import { federatedSignIn, type FederatedIdentity } from './federated-users.js';
import { passwordMatches } from './srp-server.js';
import { secretHash } from '../../shared/srp-constants.js';
import * as reset from './password-reset.js';
import { getTokensFromRefreshToken } from './refresh.js';
import { issueTokens, type AuthenticationResult } from './tokens.js';
import * as describe from './describe.js';
import { validate } from './validate.js';
import type { AdminCheck } from '../admin-credentials.js';

export type { CognitoIdpState } from './state.js';

export interface CognitoIdpOptions {
  pools: UserPoolModel[];
  clock: Clock;
  state?: CognitoIdpState;
  /** SMS codes and notable events, human-readable, never secrets other than SMS codes. */
  log?: (line: string) => void;
  /** Called after any state mutation so the owner can persist snapshot(). */
  onChange?: () => void;
  /** The stack's account id, for ARNs (DescribeUserPool). */
  accountId?: string;
  /**
   * Verifies the SigV4 signature of admin operations against the administrator
   * credentials the emulator issued; without it every admin call is refused.
   */
  admin?: AdminCheck;
}

type Body = Record<string, unknown>;
type Operation = (ctx: IdpContext, body: Body) => unknown;

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

/** Operations that need IAM credentials on AWS. */
const SIGNED: Record<string, Operation> = {
  AdminCreateUser: admin.adminCreateUser,
  AdminSetUserPassword: admin.adminSetUserPassword,
  AdminGetUser: admin.adminGetUser,
  AdminDeleteUser: admin.adminDeleteUser,
  AdminDisableUser: admin.adminSetEnabled(false),
  AdminEnableUser: admin.adminSetEnabled(true),
  AdminUpdateUserAttributes: admin.adminUpdateUserAttributes,
  AdminSetUserMFAPreference: admin.adminSetUserMfaPreference,
  AdminConfirmSignUp: admin.adminConfirmSignUp,
  AdminUserGlobalSignOut: admin.adminUserGlobalSignOut,
  ListUsers: admin.listUsers,
  AdminResetUserPassword: reset.adminResetUserPassword,
  AdminInitiateAuth: describe.adminInitiateAuth,
  DescribeUserPool: describe.describeUserPool,
  DescribeUserPoolClient: describe.describeUserPoolClient,
  ListUserPools: describe.listUserPools,
};

/** Operations a public client calls without AWS credentials. */
const UNSIGNED: Record<string, Operation> = {
  InitiateAuth: initiateAuth,
  GetTokensFromRefreshToken: getTokensFromRefreshToken,
  RespondToAuthChallenge: respondToAuthChallenge,
  GetUser: userOps.getUser,
  UpdateUserAttributes: userOps.updateUserAttributes,
  GlobalSignOut: userOps.globalSignOut,
  RevokeToken: userOps.revokeToken,
  AssociateSoftwareToken: userOps.associateSoftwareToken,
  VerifySoftwareToken: userOps.verifySoftwareToken,
  SetUserMFAPreference: userOps.setUserMfaPreference,
  ChangePassword: userOps.changePassword,
  SignUp: admin.signUp,
  ForgotPassword: reset.forgotPassword,
  ConfirmForgotPassword: reset.confirmForgotPassword,
};

/**
 * Required members per operation (the Cognito API reference), checked before the
 * operation runs so that every missing one is named in a single message, as AWS's
 * request validation does. The order of entries in that message is unverified.
 */
const REQUIRED: Record<string, readonly string[]> = {
  InitiateAuth: ['AuthFlow', 'ClientId'],
  RespondToAuthChallenge: ['ChallengeName', 'ClientId'],
  GetUser: ['AccessToken'],
  UpdateUserAttributes: ['UserAttributes', 'AccessToken'],
  GlobalSignOut: ['AccessToken'],
  RevokeToken: ['Token', 'ClientId'],
  VerifySoftwareToken: ['UserCode'],
  SetUserMFAPreference: ['AccessToken'],
  ChangePassword: ['ProposedPassword', 'AccessToken'],
  SignUp: ['ClientId', 'Username'],
  ForgotPassword: ['ClientId', 'Username'],
  ConfirmForgotPassword: ['ClientId', 'Username', 'ConfirmationCode', 'Password'],
  AdminCreateUser: ['UserPoolId', 'Username'],
  AdminSetUserPassword: ['UserPoolId', 'Username', 'Password'],
  AdminGetUser: ['UserPoolId', 'Username'],
  AdminDeleteUser: ['UserPoolId', 'Username'],
  AdminDisableUser: ['UserPoolId', 'Username'],
  AdminEnableUser: ['UserPoolId', 'Username'],
  AdminUpdateUserAttributes: ['UserPoolId', 'Username', 'UserAttributes'],
  AdminSetUserMFAPreference: ['UserPoolId', 'Username'],
  AdminConfirmSignUp: ['UserPoolId', 'Username'],
  AdminUserGlobalSignOut: ['UserPoolId', 'Username'],
  AdminResetUserPassword: ['UserPoolId', 'Username'],
  ListUsers: ['UserPoolId'],
};

export class CognitoIdpService {
  private readonly state: CognitoIdpState;
  private readonly pools = new Map<string, PoolRuntime>();
  private readonly clients = new Map<string, { pool: PoolRuntime; client: UserPoolClientModel }>();
  private readonly loadedKeys = new Map<string, { id: LoadedKey; access: LoadedKey }>();
  private readonly ctx: IdpContext;

  constructor(private readonly opts: CognitoIdpOptions) {
    this.state = opts.state ? (JSON.parse(JSON.stringify(opts.state)) as CognitoIdpState) : emptyState();
    for (const model of opts.pools) {
      const state: PoolState = (this.state.pools[model.id] ??= {
        users: {},
        refreshTokens: {},
        revokedOrigins: {},
        fakeSaltKey: randomBytes(32).toString('hex'),
      });
      const runtime: PoolRuntime = { model, state, poolName: model.id.split('_')[1] ?? model.id };
      this.pools.set(model.id, runtime);
      for (const client of model.clients) this.clients.set(client.clientId, { pool: runtime, client });
    }
    const log = opts.log ?? (() => {});
    this.ctx = {
      clock: opts.clock,
      log,
      changed: () => opts.onChange?.(),
      allPools: () => [...this.pools.values()],
      accountId: opts.accountId ?? '123456789012',
      pool: (poolId) => {
        const p = this.pools.get(poolId);
        if (!p) throw new CognitoError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
        return p;
      },
      clientById: (clientId) => {
        const c = this.clients.get(clientId);
        if (!c) throw new CognitoError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
        return c;
      },
      keys: (pool) => this.keysOf(pool),
      challenges: new ChallengeStore(opts.clock),
    };
  }

  async handle(req: LocalRequest): Promise<LocalResponse> {
    const requestId = randomUUID();
    const target = req.headers['x-amz-target'] ?? '';
    const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const signed = Object.prototype.hasOwnProperty.call(SIGNED, op) ? SIGNED[op] : undefined;
    const unsigned = Object.prototype.hasOwnProperty.call(UNSIGNED, op) ? UNSIGNED[op] : undefined;
    const fn = signed ?? unsigned;
    if (req.method !== 'POST' || !fn) {
      return awsJsonError('UnknownOperationException', op ? `Unknown operation ${op}` : 'Unknown operation', requestId);
    }
    // Admin calls need SigV4 from IAM credentials on AWS: here, from the administrator
    // credentials the emulator issued (admin-credentials.ts), verified in full.
    if (signed) {
      const check = this.opts.admin
        ? await this.opts.admin(req, 'cognito-idp')
        : (req.headers.authorization ?? '') === ''
          ? { ok: false as const, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' }
          : { ok: false as const, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
      if (!check.ok) return awsJsonError(check.type, check.message, requestId);
    }
    const parsed = parseJsonObjectBody<Body>(req, requestId);
    if ('error' in parsed) return parsed.error;
    const body = parsed.body;
    try {
      const required = REQUIRED[op];
      if (required) validate(body, required.map((name) => ({ name, required: true })));
      return awsJsonOk(await fn(this.ctx, body), requestId);
    } catch (err) {
      if (err instanceof CognitoError) return awsJsonError(err.type, err.message, requestId);
      throw err;
    }
  }

  /**
   * The password step of the managed login's sign-in page. Cognito's hosted pages
   * sign users in against the pool itself, whatever ExplicitAuthFlows the app client
   * allows its own code (a client with only the code flow still has a sign-in page),
   * so this is not InitiateAuth: the same rules (password, lockout, user status, then
   * NEW_PASSWORD_REQUIRED and MFA challenges answered with RespondToAuthChallenge),
   * without the client's flow check. Throws CognitoError as InitiateAuth would.
   */
  async hostedPasswordSignIn(clientId: string, username: string, password: string): Promise<{ username: string; outcome: Record<string, unknown> }> {
    const { pool, client } = this.ctx.clientById(clientId);
    // The page is Cognito's, not the client: it needs no SECRET_HASH from anyone.
    const hash = client.clientSecret === undefined ? {} : { SECRET_HASH: secretHash(client.clientSecret, username, client.clientId) };
    const outcome = (await passwordAuth(this.ctx, pool, client, { USERNAME: username, PASSWORD: password, ...hash })) as Record<string, unknown>;
    return { username: findUser(pool, username)?.username ?? username, outcome };
  }

  /**
   * A silent sign-in from the managed login's session cookie: a new session (new
   * refresh token, as Cognito starts one) for the user who signed in on the pages,
   * with that sign-in's auth_time, whatever flows the client allows. The user must
   * still exist and be enabled and confirmed; otherwise a CognitoError, and the page
   * asks again.
   */
  async hostedSessionTokens(clientId: string, username: string, authTime: number): Promise<AuthenticationResult> {
    const { pool, client } = this.ctx.clientById(clientId);
    const user = findUser(pool, username);
    // A federated user (EXTERNAL_PROVIDER) keeps its managed-login session like anyone else.
    if (!user || !user.enabled || (user.status !== 'CONFIRMED' && user.status !== 'EXTERNAL_PROVIDER')) {
      throw new CognitoError('NotAuthorizedException', 'The sign-in session is no longer valid.');
    }
    return issueTokens(this.ctx, pool, client, user, { authTime, withRefreshToken: true });
  }

  /** The pool's public JWKS (two keys: ID and access), generating the keys on first use. */
  jwks(poolId: string): { keys: object[] } | undefined {
    const pool = this.pools.get(poolId);
    if (!pool) return undefined;
    const keys = this.keysOf(pool);
    return { keys: [keys.id.publicJwk, keys.access.publicJwk] };
  }

  /** A CONFIRMED user with a permanent password (only its salt and verifier are kept). */
  seedUser(poolId: string, username: string, password: string, attributes?: Record<string, string>): void {
    const pool = this.ctx.pool(poolId);
    const existing = findUser(pool, username);
    if (existing) {
      // Seeding again at every start (with --state-dir) must not churn the state.
      const same = existing.status === 'CONFIRMED' && passwordMatches(existing, pool.poolName, existing.username, password);
      const attrsSame = !attributes || Object.entries(attributes).every(([n, v]) => existing.attributes[n] === v);
      if (same && attrsSame) return;
      if (attributes) Object.assign(existing.attributes, attributes);
      if (same) this.opts.onChange?.();
      else setPassword(this.ctx, pool, existing, password, 'CONFIRMED');
      return;
    }
    createUser(this.ctx, pool, { username, password, status: 'CONFIRMED', attributes });
  }

  /**
   * A sign-in through one of the pool's identity providers (managed login's
   * /oauth2/idpresponse): the federated user created or updated, and its tokens for
   * the client. A disabled user is refused with the pool's own error.
   */
  async federatedSignIn(clientId: string, identity: FederatedIdentity, attributes: Record<string, string>) {
    try {
      return { ok: true as const, ...(await federatedSignIn(this.ctx, clientId, identity, attributes)) };
    } catch (err) {
      if (err instanceof CognitoError) return { ok: false as const, type: err.type, message: err.message };
      throw err;
    }
  }

  /** Everything that must survive a restart, as plain JSON (expired tokens pruned). */
  snapshot(): CognitoIdpState {
    const now = this.opts.clock.now();
    for (const pool of Object.values(this.state.pools)) {
      for (const [hash, rec] of Object.entries(pool.refreshTokens)) if (now >= rec.expiresAt) delete pool.refreshTokens[hash];
      for (const [jti, until] of Object.entries(pool.revokedOrigins)) if (now >= until) delete pool.revokedOrigins[jti];
    }
    return JSON.parse(JSON.stringify(this.state)) as CognitoIdpState;
  }

  private keysOf(pool: PoolRuntime): { id: LoadedKey; access: LoadedKey } {
    let loaded = this.loadedKeys.get(pool.model.id);
    if (loaded) return loaded;
    if (!pool.state.keys) {
      pool.state.keys = { id: generateSigningKey(), access: generateSigningKey() };
      this.opts.onChange?.();
    }
    loaded = { id: loadSigningKey(pool.state.keys.id), access: loadSigningKey(pool.state.keys.access) };
    this.loadedKeys.set(pool.model.id, loaded);
    return loaded;
  }
}
