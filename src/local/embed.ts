// `import { startLocalStack } from 'authapi/local'`: the emulator for other projects'
// test suites, in-process, with a typed handle. Nothing of the CLI is loaded: this
// module and what it imports are the emulator and src/shared only. Sign-in goes over
// the wire like any app's (SRP, then the Identity Pool), so what a test obtains here
// is what a real client would.
import { randomBytes } from 'node:crypto';
import { computeU, computeX, claimSignature, cognitoTimestamp, deriveKey, g, k, modPow, N, secretHash } from '../shared/srp-constants.js';
import { startLocal, type LocalStack, type StartLocalOptions } from './server.js';
import type { LocalResources } from './stack-info.js';

export type StartLocalStackOptions = StartLocalOptions;

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface UserTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

export interface UserSession {
  tokens: UserTokens;
  identityId: string;
  credentials: Required<AwsCredentials>;
}

export interface UserOptions {
  /** Default: the template's first user pool. */
  userPoolId?: string;
}

export interface SignInOptions extends UserOptions {
  /** Default: the pool's first app client. */
  clientId?: string;
  /** Default: the first identity pool that trusts the client. */
  identityPoolId?: string;
}

export interface LocalStackEndpoints {
  /** Cognito User Pool (`endpoint` of CognitoIdentityProviderClient / amazon-cognito-identity-js). */
  cognitoIdp: string;
  /** Cognito Identity Pool (`endpoint` of CognitoIdentityClient). */
  cognitoIdentity: string;
  sts: string;
  /** The first API's base URL, `http://127.0.0.1:<port>/<stage>`. */
  api: string;
  /** Every API's base URL by logical id. */
  apis: Record<string, string>;
  /** With the `customDomains` option: the listener for custom domains and `x-apigw-api-id`. */
  domains?: string;
}

export interface LocalStackHandle {
  region: string;
  accountId: string;
  endpoints: LocalStackEndpoints;
  /** The first user pool, its first client, the first identity pool (what most tests need). */
  userPoolId: string;
  userPoolClientId: string;
  clientSecret?: string;
  identityPoolId: string;
  /** The first API's key (x-api-key). */
  apiKey: string;
  /** Every API key's value by logical id. */
  apiKeys: Record<string, string>;
  /** Every API, user pool, client and identity pool of the template. */
  resources: LocalResources;
  /** The administrator credentials the emulator issues: the only key its Cognito admin calls accept. */
  adminCredentials: AwsCredentials;
  /** A confirmed user with a permanent password (created, or reset when it exists). */
  createUser(username: string, password: string, opts?: UserOptions & { attributes?: Record<string, string> }): Promise<void>;
  deleteUser(username: string, opts?: UserOptions): Promise<void>;
  /** SRP sign-in, then the Identity Pool: the user's tokens, identity id and AWS credentials. */
  signIn(username: string, password: string, opts?: SignInOptions): Promise<UserSession>;
  /** An unauthenticated identity's credentials (the pool must allow guests). */
  guestCredentials(opts?: { identityPoolId?: string }): Promise<{ identityId: string; credentials: Required<AwsCredentials> }>;
  close(): Promise<void>;
}

export async function startLocalStack(opts: StartLocalStackOptions = {}): Promise<LocalStackHandle> {
  const local = await startLocal(opts);
  return handleFor(local);
}

function handleFor(local: LocalStack): LocalStackHandle {
  const { info, stack } = local;
  const {
    apis,
    userPools,
    identityPools,
    apiKeys,
  } = info;
  const poolOf = (id: string | undefined) => {
    const pool = stack.userPools.find((p) => p.id === (id ?? info.userPoolId));
    if (!pool) throw new Error(`no user pool ${id} in this stack (it has ${stack.userPools.map((p) => p.id).join(', ')})`);
    return pool;
  };
  const adminCredentials = local.adminCredentials;

  const idpCall = (op: string, body: object, signed = false) => awsJson(info.endpoints.cognitoIdp, `AWSCognitoIdentityProviderService.${op}`, body, signed ? { region: info.region, credentials: adminCredentials } : undefined);
  const identityCall = (op: string, body: object) => awsJson(info.endpoints.cognitoIdentity, `AWSCognitoIdentityService.${op}`, body);

  const credentialsFor = async (identityPoolId: string, logins?: Record<string, string>) => {
    const { IdentityId } = (await identityCall('GetId', { IdentityPoolId: identityPoolId, ...(logins ? { Logins: logins } : {}) })) as { IdentityId: string };
    const out = (await identityCall('GetCredentialsForIdentity', { IdentityId, ...(logins ? { Logins: logins } : {}) })) as {
      Credentials: { AccessKeyId: string; SecretKey: string; SessionToken: string; Expiration: number };
    };
    const c = out.Credentials;
    return {
      identityId: IdentityId,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration * 1000) },
    };
  };

  return {
    region: info.region,
    accountId: info.accountId,
    endpoints: {
      cognitoIdp: info.endpoints.cognitoIdp,
      cognitoIdentity: info.endpoints.cognitoIdentity,
      sts: info.endpoints.sts,
      api: info.apiUrl,
      apis: Object.fromEntries(apis.map((a) => [a.logicalId, a.url])),
      ...(info.domainsUrl ? { domains: info.domainsUrl } : {}),
    },
    userPoolId: info.userPoolId,
    userPoolClientId: info.userPoolClientId,
    ...(info.clientSecret ? { clientSecret: info.clientSecret } : {}),
    identityPoolId: info.identityPoolId,
    apiKey: info.apiKey,
    apiKeys: Object.fromEntries(stack.apiKeys.map((k) => [k.logicalId, k.value])),
    resources: { apis, userPools, identityPools, apiKeys },
    adminCredentials,

    async createUser(username, password, o = {}) {
      local.idp.seedUser(poolOf(o.userPoolId).id, username, password, o.attributes);
    },

    async deleteUser(username, o = {}) {
      await idpCall('AdminDeleteUser', { UserPoolId: poolOf(o.userPoolId).id, Username: username }, true);
    },

    async signIn(username, password, o = {}) {
      const pool = poolOf(o.userPoolId);
      const client = o.clientId ? pool.clients.find((c) => c.clientId === o.clientId) : pool.clients[0];
      if (!client) throw new Error(`no app client ${o.clientId ?? ''} in user pool ${pool.id}`);
      const tokens = await srpSignIn(idpCall, pool.id, client.clientId, client.clientSecret, username, password);
      const identityPool = o.identityPoolId
        ? stack.identityPools.find((p) => p.id === o.identityPoolId)
        : stack.identityPools.find((p) => p.providers.some((x) => x.providerName === pool.providerName && x.clientId === client.clientId));
      if (!identityPool) throw new Error(`no identity pool trusts client ${client.clientId} of ${pool.id}`);
      return { tokens, ...(await credentialsFor(identityPool.id, { [pool.providerName]: tokens.idToken })) };
    },

    async guestCredentials(o = {}) {
      return credentialsFor(o.identityPoolId ?? info.identityPoolId);
    },

    close: () => local.close(),
  };
}

/** An AWS JSON 1.1 call; AWS's error type and message become the Error's name and message. */
async function awsJson(endpoint: string, target: string, body: object, sign?: { region: string; credentials: AwsCredentials | undefined }): Promise<unknown> {
  const text = JSON.stringify(body);
  let headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target };
  if (sign) {
    const aws4 = (await import('aws4')).default;
    const url = new URL(endpoint);
    // Without emulator-issued admin credentials any signature is accepted: sign with a placeholder key.
    const creds = sign.credentials ?? { accessKeyId: 'AKIAEMULATORADMIN000', secretAccessKey: 'emulator-admin-placeholder' };
    const signed = aws4.sign({ host: url.host, path: '/', method: 'POST', service: 'cognito-idp', region: sign.region, headers, body: text }, creds);
    headers = Object.fromEntries(Object.entries(signed.headers ?? {}).map(([k2, v]) => [k2, String(v)]));
  }
  const res = await fetch(endpoint, { method: 'POST', headers, body: text });
  const out = (await res.json()) as Record<string, unknown>;
  if (!res.ok) {
    const err = new Error(String(out.message ?? out.Message ?? `HTTP ${res.status}`));
    err.name = String(out.__type ?? 'Error').split('#').pop()!;
    throw err;
  }
  return out;
}

/** USER_SRP_AUTH then PASSWORD_VERIFIER, as amazon-cognito-identity-js does it. */
async function srpSignIn(
  call: (op: string, body: object) => Promise<unknown>,
  poolId: string,
  clientId: string,
  clientSecret: string | undefined,
  username: string,
  password: string,
): Promise<UserTokens> {
  const a = BigInt('0x' + randomBytes(128).toString('hex')) % N;
  const A = modPow(g, a, N);
  const hash = (user: string) => (clientSecret ? { SECRET_HASH: secretHash(clientSecret, user, clientId) } : {});
  const start = (await call('InitiateAuth', {
    AuthFlow: 'USER_SRP_AUTH',
    ClientId: clientId,
    AuthParameters: { USERNAME: username, SRP_A: A.toString(16), ...hash(username) },
  })) as { ChallengeName: string; ChallengeParameters: Record<string, string> };
  if (start.ChallengeName !== 'PASSWORD_VERIFIER') throw new Error(`sign-in of ${username}: unexpected challenge ${start.ChallengeName}`);
  const p = start.ChallengeParameters;
  const userId = p.USER_ID_FOR_SRP!;
  const B = BigInt('0x' + p.SRP_B!);
  const u = computeU(A, B);
  const x = computeX(p.SALT!, poolId.split('_')[1]!, userId, password);
  const S = modPow(B - ((k * modPow(g, x, N)) % N), a + u * x, N);
  const timestamp = cognitoTimestamp(new Date());
  const signature = claimSignature(deriveKey(S, u), poolId.split('_')[1]!, userId, p.SECRET_BLOCK!, timestamp);
  const done = (await call('RespondToAuthChallenge', {
    ChallengeName: 'PASSWORD_VERIFIER',
    ClientId: clientId,
    ChallengeResponses: { USERNAME: userId, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp, ...hash(userId) },
  })) as { ChallengeName?: string; AuthenticationResult?: { IdToken: string; AccessToken: string; RefreshToken: string } };
  const r = done.AuthenticationResult;
  if (!r) throw new Error(`sign-in of ${username}: the pool asks for ${done.ChallengeName ?? 'a challenge'}; answer it with a Cognito client instead`);
  return { idToken: r.IdToken, accessToken: r.AccessToken, refreshToken: r.RefreshToken };
}

