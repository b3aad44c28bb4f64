// The read-only admin operations on pools and clients — DescribeUserPool,
// DescribeUserPoolClient, ListUserPools — and AdminInitiateAuth, all answered from
// the template's model (shapes: the Cognito API reference; dates are epoch seconds
// as JSON 1.1 sends timestamps). Attributes the model does not carry (Lambda
// triggers, schema, domain, OAuth) are left out rather than made up.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeUserPool.html
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeUserPoolClient.html
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
import type { UserPoolClientModel } from '../model.js';
import { passwordAuth } from './auth-flows.js';
import type { IdpContext, PoolRuntime } from './context.js';
import { CognitoError, invalidParameter } from './errors.js';
import { refreshAuth } from './refresh.js';
import { validate } from './validate.js';

type Body = Record<string, unknown>;

const POOL_ID = { name: 'UserPoolId', required: true, min: 1, max: 55 } as const;
const CLIENT_ID = { name: 'ClientId', required: true, min: 1, max: 128 } as const;

/** When the pool came to be: its first start in this state dir. */
function created(ctx: IdpContext, pool: PoolRuntime): number {
  if (pool.state.createdAt === undefined) {
    pool.state.createdAt = ctx.clock.now();
    ctx.changed();
  }
  return pool.state.createdAt / 1000;
}

export function describeUserPool(ctx: IdpContext, body: Body): unknown {
  validate(body, [POOL_ID]);
  const pool = ctx.pool(body.UserPoolId as string);
  const m = pool.model;
  const at = created(ctx, pool);
  const pp = m.passwordPolicy;
  return {
    UserPool: {
      Id: m.id,
      Name: m.name,
      Arn: `arn:aws:cognito-idp:${m.region}:${ctx.accountId}:userpool/${m.id}`,
      Policies: {
        PasswordPolicy: {
          MinimumLength: pp.minimumLength,
          RequireUppercase: pp.requireUppercase,
          RequireLowercase: pp.requireLowercase,
          RequireNumbers: pp.requireNumbers,
          RequireSymbols: pp.requireSymbols,
          TemporaryPasswordValidityDays: pp.temporaryPasswordValidityDays,
        },
      },
      LambdaConfig: {},
      MfaConfiguration: m.mfaConfiguration,
      EstimatedNumberOfUsers: Object.keys(pool.state.users).length,
      CreationDate: at,
      LastModifiedDate: at,
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: m.allowAdminCreateUserOnly },
      UsernameConfiguration: { CaseSensitive: m.usernameCaseSensitive },
      DeletionProtection: 'INACTIVE',
    },
  };
}

export function describeUserPoolClient(ctx: IdpContext, body: Body): unknown {
  validate(body, [POOL_ID, CLIENT_ID]);
  const pool = ctx.pool(body.UserPoolId as string);
  const client = pool.model.clients.find((c) => c.clientId === body.ClientId);
  if (!client) throw new CognitoError('ResourceNotFoundException', `User pool client ${String(body.ClientId)} does not exist.`);
  const at = created(ctx, pool);
  const [access, accessUnit] = inUnits(client.accessTokenValiditySeconds);
  const [id, idUnit] = inUnits(client.idTokenValiditySeconds);
  const [refresh, refreshUnit] = inUnits(client.refreshTokenValiditySeconds);
  const out: Record<string, unknown> = {
    UserPoolId: pool.model.id,
    ClientName: client.clientName,
    ClientId: client.clientId,
    LastModifiedDate: at,
    CreationDate: at,
    RefreshTokenValidity: refresh,
    AccessTokenValidity: access,
    IdTokenValidity: id,
    TokenValidityUnits: { AccessToken: accessUnit, IdToken: idUnit, RefreshToken: refreshUnit },
    ExplicitAuthFlows: client.explicitAuthFlows,
    AllowedOAuthFlowsUserPoolClient: false,
    PreventUserExistenceErrors: client.preventUserExistenceErrors ? 'ENABLED' : 'LEGACY',
    EnableTokenRevocation: client.enableTokenRevocation,
    EnablePropagateAdditionalUserContextData: false,
    AuthSessionValidity: client.authSessionValiditySeconds / 60,
    RefreshTokenRotation: {
      Feature: client.refreshTokenRotation.enabled ? 'ENABLED' : 'DISABLED',
      RetryGracePeriodSeconds: client.refreshTokenRotation.retryGracePeriodSeconds,
    },
  };
  if (client.clientSecret !== undefined) out.ClientSecret = client.clientSecret;
  return { UserPoolClient: out };
}

/** The largest unit that states the validity exactly (the template's own unit is not kept). */
function inUnits(seconds: number): [number, string] {
  if (seconds % 86400 === 0) return [seconds / 86400, 'days'];
  if (seconds % 3600 === 0) return [seconds / 3600, 'hours'];
  if (seconds % 60 === 0) return [seconds / 60, 'minutes'];
  return [seconds, 'seconds'];
}

export function listUserPools(ctx: IdpContext, body: Body): unknown {
  const max = body.MaxResults;
  if (max === undefined || max === null) validate(body, [{ name: 'MaxResults', required: true }]);
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 60) {
    throw invalidParameter(`1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value ${Number(max) < 1 ? 'greater than or equal to 1' : 'less than or equal to 60'}`);
  }
  const pools = ctx.allPools();
  const start = typeof body.NextToken === 'string' ? Number.parseInt(body.NextToken, 10) || 0 : 0;
  const page = pools.slice(start, start + max);
  const out: Record<string, unknown> = {
    UserPools: page.map((p) => {
      const at = created(ctx, p);
      return { Id: p.model.id, Name: p.model.name, LambdaConfig: {}, LastModifiedDate: at, CreationDate: at };
    }),
  };
  if (start + max < pools.length) out.NextToken = String(start + max);
  return out;
}

const ADMIN_FLOWS = ['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH'];

/**
 * AdminInitiateAuth: ADMIN_USER_PASSWORD_AUTH (ADMIN_NO_SRP_AUTH is its old name)
 * when the client allows it, and REFRESH_TOKEN_AUTH. The password check, lockout and
 * challenges are InitiateAuth's; challenges are answered with RespondToAuthChallenge.
 */
export async function adminInitiateAuth(ctx: IdpContext, body: Body): Promise<unknown> {
  validate(body, [POOL_ID, CLIENT_ID, { name: 'AuthFlow', required: true, oneOf: ADMIN_FLOWS }]);
  const pool = ctx.pool(body.UserPoolId as string);
  const found = pool.model.clients.find((c) => c.clientId === body.ClientId);
  if (!found) throw new CognitoError('ResourceNotFoundException', `User pool client ${String(body.ClientId)} does not exist.`);
  const client: UserPoolClientModel = found;
  const params = (body.AuthParameters ?? {}) as Record<string, unknown>;
  const flow = body.AuthFlow === 'ADMIN_NO_SRP_AUTH' ? 'ADMIN_USER_PASSWORD_AUTH' : body.AuthFlow === 'REFRESH_TOKEN' ? 'REFRESH_TOKEN_AUTH' : (body.AuthFlow as string);
  switch (flow) {
    case 'ADMIN_USER_PASSWORD_AUTH':
      // The wording users of AdminInitiateAuth quote when the client lacks the flow.
      if (!client.explicitAuthFlows.includes('ALLOW_ADMIN_USER_PASSWORD_AUTH')) throw invalidParameter('Auth flow not enabled for this client');
      return passwordAuth(ctx, pool, client, params);
    case 'REFRESH_TOKEN_AUTH':
      return refreshAuth(ctx, pool, client, params);
    default:
      throw invalidParameter(`${flow} is not supported by AdminInitiateAuth in the authapi emulator.`);
  }
}
