// The baseline `authapi login` is measured against: the least code that does the
// same exchange with the same libraries — our SRP client math (bundled from
// src/auth/srp-client.ts by bench/login.bench.mjs, path in AUTHAPI_BENCH_SRP),
// InitiateAuth + RespondToAuthChallenge over node:http, then the Identity Pool's
// GetId + GetCredentialsForIdentity with @aws-sdk/client-cognito-identity. It stores
// nothing and handles no challenge, no error, no option.
// Usage: AUTHAPI_CONFIG_DIR=… AUTHAPI_BENCH_SRP=…/srp.cjs node bench/login-minimal.mjs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import http from 'node:http';

// require(), as the CLI's CommonJS bundle loads it: the SDK's ESM graph is slower to
// load, and the baseline should be the fastest honest way to do the exchange.
const require = createRequire(import.meta.url);
const { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } = require('@aws-sdk/client-cognito-identity');
const { startSrp, passwordClaim } = require(process.env.AUTHAPI_BENCH_SRP);
const p = JSON.parse(readFileSync(join(process.env.AUTHAPI_CONFIG_DIR, 'config.json'), 'utf8')).profiles.local;

function idp(op, body) {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(p.endpoints.cognitoIdp, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${op}`, 'Content-Length': Buffer.byteLength(data) },
    }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(text))));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const srp = startSrp();
const init = await idp('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: p.userPoolClientId, AuthParameters: { USERNAME: 'demouser', SRP_A: srp.A.toString(16) } });
const claim = passwordClaim(srp, init.ChallengeParameters, p.userPoolId, 'demoPASS123', new Date());
const done = await idp('RespondToAuthChallenge', {
  ChallengeName: 'PASSWORD_VERIFIER', ClientId: p.userPoolClientId,
  ChallengeResponses: { USERNAME: init.ChallengeParameters.USER_ID_FOR_SRP, ...claim },
});
const logins = { [`cognito-idp.${p.region}.amazonaws.com/${p.userPoolId}`]: done.AuthenticationResult.IdToken };
const idc = new CognitoIdentityClient({ region: p.region, endpoint: p.endpoints.cognitoIdentity, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const { IdentityId } = await idc.send(new GetIdCommand({ IdentityPoolId: p.identityPoolId, Logins: logins }));
const { Credentials } = await idc.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
if (!Credentials?.AccessKeyId) throw new Error('no credentials');
