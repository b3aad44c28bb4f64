// Test fixture: User Pool models built by hand (no template loader), a clock tests
// move by hand, and the service served on 127.0.0.1 port 0 for real clients.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Clock, UserPoolClientModel, UserPoolModel } from '../../../../src/local/model.js';
import { listen, type Listening } from '../../../../src/local/http.js';
import { CognitoIdpService, type CognitoIdpState } from '../../../../src/local/cognito-idp/service.js';
import { adminSigV4Check, type AdminCredentials } from '../../../../src/local/admin-credentials.js';
import { verifySigV4 } from '../../../../src/local/apigw/sigv4-verify.js';

export const REGION = 'us-east-1';
/** Administrator credentials the harness's service accepts (as `authapi local` issues them). */
export const ADMIN: AdminCredentials = { accessKeyId: 'AKIAEXAMPLEADMIN0001', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

export class TestClock implements Clock {
  constructor(public ms = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function clientModel(over: Partial<UserPoolClientModel> = {}): UserPoolClientModel {
  return {
    logicalId: 'UserPoolClient',
    clientId: 'publicclient0000000000000a',
    clientName: 'web',
    explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    enableTokenRevocation: true,
    preventUserExistenceErrors: true,
    authSessionValiditySeconds: 180,
    accessTokenValiditySeconds: 3600,
    idTokenValiditySeconds: 3600,
    refreshTokenValiditySeconds: 30 * 86400,
    refreshTokenRotation: { enabled: false, retryGracePeriodSeconds: 0 },
    ...over,
  };
}

export const SECRET_CLIENT_ID = 'secretclient0000000000000b';
export const LEGACY_CLIENT_ID = 'legacyclient0000000000000c';
export const PASSWORD_CLIENT_ID = 'passwordclient00000000000d';

export function poolModel(over: Partial<UserPoolModel> = {}): UserPoolModel {
  const id = over.id ?? `${REGION}_TestPool1`;
  return {
    logicalId: 'UserPool',
    id,
    name: 'test-users',
    region: REGION,
    providerName: `cognito-idp.${REGION}.amazonaws.com/${id}`,
    issuer: `https://cognito-idp.${REGION}.amazonaws.com/${id}`,
    usernameCaseSensitive: false,
    passwordPolicy: {
      minimumLength: 8,
      requireUppercase: true,
      requireLowercase: true,
      requireNumbers: true,
      requireSymbols: false,
      temporaryPasswordValidityDays: 7,
    },
    mfaConfiguration: 'OPTIONAL',
    enabledMfas: ['SOFTWARE_TOKEN_MFA', 'SMS_MFA'],
    allowAdminCreateUserOnly: false,
    clients: [
      clientModel(),
      clientModel({ logicalId: 'SecretClient', clientId: SECRET_CLIENT_ID, clientSecret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' }),
      clientModel({ logicalId: 'LegacyClient', clientId: LEGACY_CLIENT_ID, preventUserExistenceErrors: false }),
      clientModel({ logicalId: 'PasswordClient', clientId: PASSWORD_CLIENT_ID, explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }),
    ],
    ...over,
  };
}

export const POOL = poolModel();
export const CLIENT_ID = POOL.clients[0]!.clientId;

export interface Harness {
  service: CognitoIdpService;
  clock: TestClock;
  url: string;
  logs: string[];
  changes: { count: number };
  sdk: CognitoIdentityProviderClient;
  close(): Promise<void>;
}

export async function startHarness(opts: { pools?: UserPoolModel[]; clock?: TestClock; state?: CognitoIdpState } = {}): Promise<Harness> {
  const clock = opts.clock ?? new TestClock();
  const logs: string[] = [];
  const changes = { count: 0 };
  const service = new CognitoIdpService({
    pools: opts.pools ?? [POOL],
    clock,
    // The administrator key pair this harness issues; the SDK client below signs with it.
    admin: adminSigV4Check([ADMIN], clock, REGION, verifySigV4),
    state: opts.state,
    log: (line) => logs.push(line),
    onChange: () => (changes.count += 1),
  });
  const server: Listening = await listen((req) => service.handle(req));
  const sdk = new CognitoIdentityProviderClient({
    region: REGION,
    endpoint: server.url,
    credentials: ADMIN,
    maxAttempts: 1,
  });
  // The SDK signs with its own clock: keep it on the harness's (moved by hand) clock,
  // as a caller's clock would be in step with the server it signs for.
  sdk.middlewareStack.add((next) => (args) => {
    sdk.config.systemClockOffset = clock.now() - Date.now();
    return next(args);
  }, { step: 'initialize', name: 'followHarnessClock' });
  return {
    service,
    clock,
    url: server.url,
    logs,
    changes,
    sdk,
    close: async () => {
      sdk.destroy();
      await server.close();
    },
  };
}

/** Sends one raw JSON 1.1 call (for requests the SDK would refuse to build). */
export async function rawCall(url: string, op: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url + '/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${op}`,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, any> };
}

/** Asserts an SDK call fails with this Cognito error name and exact message. */
export async function expectCognitoError(p: Promise<unknown>, name: string, message: string): Promise<void> {
  let err: any;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  if (!err) throw new Error(`expected ${name}: ${message}, but the call succeeded`);
  if (err.name !== name || err.message !== message) {
    throw new Error(`expected ${name}: "${message}", got ${err.name}: "${err.message}"`);
  }
}

/** A 6-digit code that no step of the ±1 window accepts, so a "wrong code" test cannot pass by luck. */
export function wrongTotp(codeAt: (ms: number) => string, nowMs: number): string {
  const taken = new Set([codeAt(nowMs - 30_000), codeAt(nowMs), codeAt(nowMs + 30_000)]);
  for (let n = 123456; ; n++) if (!taken.has(String(n))) return String(n);
}
