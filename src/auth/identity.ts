// Identity Pool exchange: an identity id (fetched once, then cached by the caller)
// and temporary AWS credentials for it, through @aws-sdk/client-cognito-identity
// (imported lazily: ~90 ms, paid only when credentials must really be fetched).
// Authenticated calls carry Logins {"cognito-idp.<userPoolRegion>.amazonaws.com/<userPoolId>": idToken}
// — the ID token, never the access token (that fails "Missing a required claim: aud").
// Guests send no Logins and get the pool's unauthenticated role.
import type { Profile } from '../config/profile.js';
import { regionOfPool } from '../config/profile.js';
import { AuthError, ConfigError, InterruptedError, NetworkError, ThrottledError } from '../errors.js';
import { AwsServiceError } from './aws-json.js';
import { loginCommand, loginHint } from './login-command.js';
import { loadModule } from '../util/lazy-load.js';
import { sdkRequestHandler, serviceTimeoutMs } from '../http/network.js';
import { CERTIFICATE_HINT, certificateProblem } from '../http/trust.js';
import { DEFAULT_MAX_ATTEMPTS, resolveMaxAttempts } from '../http/retry.js';

import type { AwsCredentials } from './credentials.js';

export type { AwsCredentials } from './credentials.js';

export type Logins = Record<string, string>;

/** The two Identity Pool operations, as authapi needs them; tests inject their own. */
export interface IdentityPoolApi {
  getId(input: { identityPoolId: string; logins?: Logins }): Promise<string>;
  getCredentialsForIdentity(input: { identityId: string; logins?: Logins }): Promise<AwsCredentials>;
}

/** The Logins key is the user pool's issuer without "https://"; its region comes from its own id. */
export function loginsFor(profile: Profile, idToken: string): Logins {
  return { [`cognito-idp.${regionOfPool(profile.userPoolId)}.amazonaws.com/${profile.userPoolId}`]: idToken };
}

// The slice of CognitoIdentityClient we use, so a test or a caller can inject one.
export interface CognitoIdentityClientLike {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy?(): void;
}

export interface IdentityApiOptions {
  /** An existing client (its endpoint and region are then the caller's business). */
  client?: CognitoIdentityClientLike;
  signal?: AbortSignal;
  /** --verbose: a line for each call and its outcome (as the User Pool calls get). */
  debug?: (line: string) => void;
  /** Proxy variables, AWS_CA_BUNDLE, AWS_MAX_ATTEMPTS (default: the process's). */
  env?: NodeJS.ProcessEnv;
}

/** Per attempt: the connection, then the whole answer (the User Pool's JSON calls use the same total). */
export const IDENTITY_CONNECT_TIMEOUT_MS = 10_000;
export const IDENTITY_REQUEST_TIMEOUT_MS = 15_000;

/** Builds the SDK-backed API for a profile: region from the identity pool id, endpoint from the profile. */
export async function createIdentityPoolApi(profile: Profile, opts: IdentityApiOptions = {}): Promise<IdentityPoolApi> {
  // The SDK's documented opt-out of its "Node 20 support ends" notice, which would
  // otherwise land on our users' stderr on every refresh: authapi supports Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sdk = await loadModule<typeof import('@aws-sdk/client-cognito-identity')>('@aws-sdk/client-cognito-identity');
  const env = opts.env ?? process.env;
  const maxAttempts = resolveMaxAttempts(undefined, env);
  const client: CognitoIdentityClientLike = opts.client ?? new sdk.CognitoIdentityClient({
    region: regionOfPool(profile.identityPoolId),
    endpoint: profile.endpoints?.cognitoIdentity,
    // GetId and GetCredentialsForIdentity are unsigned (smithy noAuth): no AWS
    // credentials are needed, and the default provider chain must not be consulted.
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    // The SDK's standard retry mode (throttling, 5xx, network errors), as many
    // attempts as `call` makes; the proxy, AWS_CA_BUNDLE and timeouts of src/http/network.ts.
    retryMode: 'standard',
    maxAttempts: typeof maxAttempts === 'number' ? maxAttempts : DEFAULT_MAX_ATTEMPTS,
    requestHandler: await sdkRequestHandler(env, {
      connectMs: Math.min(IDENTITY_CONNECT_TIMEOUT_MS, serviceTimeoutMs(env, IDENTITY_CONNECT_TIMEOUT_MS) || IDENTITY_CONNECT_TIMEOUT_MS),
      requestMs: serviceTimeoutMs(env, IDENTITY_REQUEST_TIMEOUT_MS),
    }),
  });
  const where = profile.endpoints?.cognitoIdentity ?? `https://cognito-identity.${regionOfPool(profile.identityPoolId)}.amazonaws.com`;
  const send = async <T>(command: unknown): Promise<T> => {
    const target = `AWSCognitoIdentityService.${(command as object).constructor.name.replace(/Command$/, '')}`;
    const started = process.uptime();
    opts.debug?.(`POST ${where}/ ${target}`);
    try {
      const out = (await client.send(command, { abortSignal: opts.signal })) as T;
      opts.debug?.(`← ${(out as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 200} ${target} in ${Math.round((process.uptime() - started) * 1000)} ms`);
      return out;
    } catch (err) {
      const mapped = fromSdkError(err, opts.signal);
      opts.debug?.(`← ${(err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 'failed'} ${target}: ${(mapped as Error).message ?? String(mapped)}`);
      throw mapped;
    }
  };
  return {
    async getId({ identityPoolId, logins }) {
      const out = await send<{ IdentityId?: string }>(new sdk.GetIdCommand({ IdentityPoolId: identityPoolId, Logins: logins }));
      if (!out.IdentityId) throw new AuthError('the Identity Pool returned no identity id');
      return out.IdentityId;
    },
    async getCredentialsForIdentity({ identityId, logins }) {
      const out = await send<{ Credentials?: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string; Expiration?: Date } }>(
        new sdk.GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: logins }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretKey || !c.SessionToken || !c.Expiration) {
        throw new AuthError('the Identity Pool returned incomplete credentials');
      }
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken, expiration: c.Expiration.getTime() };
    },
  };
}

/** SDK exceptions → AwsServiceError (service said no) or NetworkError (could not ask). */
function fromSdkError(err: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason ?? new InterruptedError();
  const e = err as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && e.name && e.$fault) return new AwsServiceError(e.name, e.message ?? e.name, status);
  // The proxy's own words (src/http/tunnel.ts): they name it.
  if (err instanceof NetworkError) return err;
  // The SDK could not parse the answer: say what came (status, type), never its text.
  const response = (err as { $response?: { statusCode?: number; headers?: Record<string, string> } }).$response;
  if (e?.name === 'SyntaxError' || /Deserialization error/i.test(e?.message ?? '')) {
    const type = response?.headers?.['content-type'] ?? 'no Content-Type';
    if ((response?.statusCode ?? 0) >= 500) {
      return new NetworkError(`the Identity Pool failed (HTTP ${response!.statusCode}, ${type})`, 'try again in a moment', { cause: err });
    }
    return new NetworkError(`the Identity Pool answered with something that is not JSON (HTTP ${response?.statusCode ?? '?'}, ${type})`,
      'is the identity endpoint right? (`authapi configure --show`)', { cause: err });
  }
  const cert = certificateProblem(e?.code);
  if (cert) return new NetworkError(`cannot reach the Identity Pool: ${cert}`, CERTIFICATE_HINT, { cause: err });
  const code = e?.code ?? e?.name ?? 'error';
  return new NetworkError(`cannot reach the Identity Pool: ${code}${e?.message ? ` (${e.message})` : ''}`,
    'check the network and the profile\'s endpoints', { cause: err });
}

/** Raised when the Identity Pool refused the ID token as expired: refresh it and try again. */
export class IdTokenRejectedError extends Error {
  constructor(readonly serviceMessage: string) {
    super(serviceMessage);
    this.name = 'IdTokenRejectedError';
  }
}

/** What an Identity Pool refusal means for the user. */
export function identityError(err: unknown, profileName: string, guest: boolean): unknown {
  if (!(err instanceof AwsServiceError)) return err;
  const { type, message } = err;
  if (err.status >= 500) return new NetworkError(`the Identity Pool failed (${type}: ${message})`, 'try again in a moment', { cause: err });
  switch (type) {
    case 'NotAuthorizedException':
      // An ID token that expired or cannot be verified (a recreated pool, rotated keys):
      // a refreshed one may do; if not, the session has ended.
      if (/Token expired|verify signed token/i.test(message)) return new IdTokenRejectedError(message);
      if (guest && /Unauthenticated access/i.test(message)) {
        return new AuthError(message, `this pool has no guest access; log in with ${loginCommand(profileName)}`, { cause: err });
      }
      return new AuthError(message, guest ? undefined : loginHint(profileName), { cause: err });
    case 'ResourceNotFoundException':
    case 'InvalidParameterException':
      return new ConfigError(message, `check identityPoolId in profile "${profileName}"`, { cause: err });
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return new ThrottledError(message, 'wait a little and try again');
    default:
      return new AuthError(message, undefined, { cause: err });
  }
}

/**
 * Identity id (cached one if given) and credentials. A cached id the pool no longer
 * knows (deleted identity, other pool) is dropped and fetched again once, as the
 * AWS SDK's provider does.
 */
export async function fetchIdentityCredentials(
  api: IdentityPoolApi,
  profile: Profile,
  opts: { idToken?: string; identityId?: string },
): Promise<{ identityId: string; credentials: AwsCredentials }> {
  const logins = opts.idToken ? loginsFor(profile, opts.idToken) : undefined;
  let identityId = opts.identityId;
  const cached = identityId !== undefined;
  identityId ??= await api.getId({ identityPoolId: profile.identityPoolId, logins });
  try {
    return { identityId, credentials: await api.getCredentialsForIdentity({ identityId, logins }) };
  } catch (err) {
    const stale = err instanceof AwsServiceError &&
      (err.type === 'ResourceNotFoundException' || (err.type === 'NotAuthorizedException' && /Logins don't match|Invalid identity|not found/i.test(err.message)));
    if (!cached || !stale) throw err;
    identityId = await api.getId({ identityPoolId: profile.identityPoolId, logins });
    return { identityId, credentials: await api.getCredentialsForIdentity({ identityId, logins }) };
  }
}
