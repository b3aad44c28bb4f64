// The baseline `call` is measured against: what apig-test (aws-api-gateway-cli-test)
// does on every invocation — SRP login with amazon-cognito-identity-js, Identity
// Pool GetId + GetCredentialsForIdentity with the AWS SDK, then one signed GET.
// Reads the "local" profile written by bench/call-stack.mjs (AUTHAPI_CONFIG_DIR).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import aws4 from 'aws4';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';

const p = JSON.parse(readFileSync(join(process.env.AUTHAPI_CONFIG_DIR, 'config.json'), 'utf8')).profiles.local;
const pool = new CognitoUserPool({ UserPoolId: p.userPoolId, ClientId: p.userPoolClientId, endpoint: p.endpoints.cognitoIdp });
const user = new CognitoUser({ Username: 'demouser', Pool: pool });
const session = await new Promise((resolve, reject) =>
  user.authenticateUser(new AuthenticationDetails({ Username: 'demouser', Password: 'demoPASS123' }), { onSuccess: resolve, onFailure: reject }));
const idc = new CognitoIdentityClient({ region: p.region, endpoint: p.endpoints.cognitoIdentity });
const login = { [`cognito-idp.${p.region}.amazonaws.com/${p.userPoolId}`]: session.getIdToken().getJwtToken() };
const { IdentityId } = await idc.send(new GetIdCommand({ IdentityPoolId: p.identityPoolId, Logins: login }));
const { Credentials: c } = await idc.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: login }));
const url = new URL(`${p.apiUrl}/require-auth`);
const req = aws4.sign({ host: url.host, path: url.pathname, service: 'execute-api', region: p.region, headers: { 'x-api-key': p.apiKey } },
  { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken });
await new Promise((resolve, reject) => {
  http.request({ hostname: url.hostname, port: url.port, path: req.path, headers: req.headers }, (res) => {
    res.pipe(process.stdout);
    res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
  }).on('error', reject).end();
});
