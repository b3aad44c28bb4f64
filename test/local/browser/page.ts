// Runs in Chromium (bundled by esbuild for the browser test): what a web app does
// against the emulator from another origin — amazon-cognito-identity-js signs in
// (SRP), the Identity Pool exchanges the ID token for credentials, and a SigV4-signed
// fetch calls the API's IAM route. Every call is cross-origin, so each one needs the
// emulator's CORS answers.
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';

export interface FlowConfig {
  region: string;
  userPoolId: string;
  clientId: string;
  identityPoolId: string;
  cognitoEndpoint: string;
  apiUrl: string;
  apiKey: string;
  username: string;
  password: string;
}

export interface FlowResult {
  idTokenParts: number;
  identityId: string;
  requireAuth: { status: number; body: string };
  unsigned: { status: number; body: string; errorType: string | null };
  wrongPassword: string;
}

function signIn(cfg: FlowConfig, password: string): Promise<CognitoUserSession> {
  const pool = new CognitoUserPool({ UserPoolId: cfg.userPoolId, ClientId: cfg.clientId, endpoint: cfg.cognitoEndpoint });
  const user = new CognitoUser({ Username: cfg.username, Pool: pool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: cfg.username, Password: password }), {
      onSuccess: resolve,
      onFailure: (err: { code?: string; message?: string }) => reject(new Error(`${err.code}: ${err.message}`)),
    }),
  );
}

async function identity(cfg: FlowConfig, op: string, body: object): Promise<Record<string, any>> {
  const res = await fetch(cfg.cognitoEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityService.${op}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${op}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, any>;
}

async function runFlow(cfg: FlowConfig): Promise<FlowResult> {
  const wrongPassword = await signIn(cfg, 'not-the-password').then(() => 'signed in?!', (e: Error) => e.message);
  const session = await signIn(cfg, cfg.password);
  const idToken = session.getIdToken().getJwtToken();
  const logins = { [`cognito-idp.${cfg.region}.amazonaws.com/${cfg.userPoolId}`]: idToken };
  const { IdentityId } = await identity(cfg, 'GetId', { IdentityPoolId: cfg.identityPoolId, Logins: logins });
  const { Credentials: c } = await identity(cfg, 'GetCredentialsForIdentity', { IdentityId, Logins: logins });

  const url = new URL(`${cfg.apiUrl}/require-auth`);
  const signer = new SignatureV4({
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken },
    region: cfg.region,
    service: 'execute-api',
    sha256: Sha256,
  });
  const signed = await signer.sign(new HttpRequest({
    method: 'GET', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: url.pathname,
    headers: { host: url.host, 'x-api-key': cfg.apiKey },
  }));
  // The browser sets Host itself (and refuses to be told).
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k.toLowerCase() !== 'host'));
  const res = await fetch(url, { headers });
  const unsigned = await fetch(url, { headers: { 'x-api-key': cfg.apiKey } });
  return {
    idTokenParts: idToken.split('.').length,
    identityId: IdentityId,
    requireAuth: { status: res.status, body: await res.text() },
    unsigned: { status: unsigned.status, body: await unsigned.text(), errorType: unsigned.headers.get('x-amzn-errortype') },
    wrongPassword,
  };
}

(globalThis as unknown as { runFlow: typeof runFlow }).runFlow = runFlow;
