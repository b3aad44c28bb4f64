// The emulated services, built from the stack model and wired to one another: the
// User Pool's keys verify Identity Pool logins, the Identity Pool's credentials are
// what STS and API Gateway accept, and every change goes to the state dir.
import { adminSigV4Check, type AdminCredentials } from './admin-credentials.js';
import { ApiGatewayService } from './apigw/service.js';
import { verifySigV4 } from './apigw/sigv4-verify.js';
import { CognitoIdpService } from './cognito-idp/service.js';
import { CognitoIdentityService } from './identity-pool/service.js';
import { FunctionUrlService } from './httpapi/function-url.js';
import { HttpApiService } from './httpapi/service.js';
import { ManagedLogin } from './oauth/service.js';
import type { Clock, StackModel } from './model.js';
import type { PersistentCredentials, StackPersistence } from './persistence.js';
import { StsService } from './sts/service.js';
import { OidcStandIns, type StandInUser } from './oidc-provider/stand-in.js';

export interface StackServices {
  /** Cognito's managed login (OAuth 2.0 endpoints and sign-in pages) for the pools with a domain. */
  managedLogin: ManagedLogin;
  /** Stand-ins of the template's OIDC identity providers (their pages and endpoints). */
  standIns: OidcStandIns;
  credentials: PersistentCredentials;
  /** The stack's administrator credentials, and the check of the admin calls' signatures. */
  admin: AdminCredentials;
  idp: CognitoIdpService;
  identity: CognitoIdentityService;
  sts: StsService;
  /** One per API of the template, in template order. */
  gateways: ApiGatewayService[];
  /** One per HTTP API of the template, in template order. */
  httpApis: HttpApiService[];
  /** One per function with a FunctionUrlConfig. */
  functionUrls: FunctionUrlService[];
}

export interface WireOptions {
  stack: StackModel;
  persistence: StackPersistence;
  clock: Clock;
  log: (line: string) => void;
  /** Who can sign in at the stand-in identity providers: the emulator's seed users. */
  providerUsers?: StandInUser[];
}

export function wireServices({ stack, persistence, clock, log, providerUsers = [] }: WireOptions): StackServices {
  const credentials = persistence.credentials(clock);
  const admin = persistence.adminCredentials();
  const adminCheck = adminSigV4Check([admin], clock, stack.region, verifySigV4);

  const idpState = persistence.idpState();
  // onChange may fire while the constructor runs (new signing keys): not saved
  // then, but right after seeding and on close.
  let idp: CognitoIdpService | undefined;
  idp = new CognitoIdpService({
    pools: stack.userPools,
    clock,
    log,
    accountId: stack.accountId,
    admin: adminCheck,
    ...(idpState ? { state: idpState } : {}),
    onChange: () => {
      if (idp) persistence.saveIdp(idp.snapshot());
    },
  });
  const idpService = idp;

  const identityState = persistence.identityState();
  let identity: CognitoIdentityService | undefined;
  identity = new CognitoIdentityService({
    stack,
    credentials,
    clock,
    jwks: (poolId) => idpService.jwks(poolId),
    admin: adminCheck,
    ...(identityState ? { state: identityState } : {}),
    onChange: () => {
      if (identity) persistence.saveIdentities(identity.snapshot());
    },
  });

  const sts = new StsService({ stack, credentials, clock, verify: verifySigV4 });
  const gateways = stack.apis.map(
    (api) =>
      new ApiGatewayService({ stack, api, credentials, clock, jwks: (poolId) => idpService.jwks(poolId), onHandlerError: (err) => log(`api: handler failed: ${errorText(err)}`) }),
  );
  // A JWT authorizer's issuer is one of the emulated pools (their keys), or unknown.
  const issuerKeys = (issuer: string) => {
    const pool = stack.userPools.find((p) => p.issuer === issuer);
    return pool ? idpService.jwks(pool.id) : undefined;
  };
  const onHandlerError = (err: unknown) => log(`api: handler failed: ${errorText(err)}`);
  // Why a request was refused, for the emulator's log (never a token or a signature).
  const onRefusal = (line: string) => log(`api: refused: ${line}`);
  const httpApis = (stack.httpApis ?? []).map((api) => new HttpApiService({ stack, api, credentials, clock, issuerKeys, onHandlerError, onRefusal }));
  const functionUrls = (stack.functionUrls ?? []).map((url) => new FunctionUrlService({ stack, url, credentials, clock, onHandlerError, onRefusal }));
  const standIns = new OidcStandIns(stack.userPools, providerUsers, clock);
  const managedLogin = new ManagedLogin({ pools: stack.userPools, idp: idpService, clock, standIns });
  return { credentials, admin, idp: idpService, identity, sts, gateways, httpApis, functionUrls, managedLogin, standIns };
}

/** Everything that must survive a restart, written once more on close. */
export function saveAll(services: StackServices, persistence: StackPersistence): void {
  persistence.saveIdp(services.idp.snapshot());
  persistence.saveIdentities(services.identity.snapshot());
  services.credentials.save();
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
