// An HTTP API with an explicit StageName and a $default route (catch-all), and its id
// kept across a restart with the same state dir: through the emulator's servers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLocal, type LocalStack } from '../../../src/local/index.js';
import { tempDir } from '../../helpers/cli.js';
import { replaceOnce, templateWith } from '../helpers/template.js';

const fnDir = join(tempDir('authapi-httpapi-stage-'), 'functions');
mkdirSync(fnDir);
writeFileSync(join(fnDir, 'echo.mjs'), 'export const handler = async (event) => event.rawPath === "/v1/text" ? "plain words" : ({ statusCode: 201, headers: { "X-Echo": "1" }, cookies: ["a=1", "b=2"], body: JSON.stringify({ routeKey: event.routeKey, rawPath: event.rawPath, stage: event.requestContext.stage, pathParameters: event.pathParameters ?? null }) });\n');
const templatePath = templateWith((y) => {
  let t = replaceOnce(y, '      Auth:\n        EnableIamAuthorizer: true\n', '      StageName: v1\n      Auth:\n        EnableIamAuthorizer: true\n');
  t = replaceOnce(t, '\n  # --- Usage plan and API key', `
  CatchAll:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ${fnDir}/
      Handler: echo.handler
      Events:
        Fallback:
          Type: HttpApi
          Properties: { ApiId: !Ref HttpApi, Auth: { Authorizer: NONE } }
\n  # --- Usage plan and API key`);
  return t;
});
const stateDir = tempDir('authapi-httpapi-state-');

let s: LocalStack;
beforeAll(async () => {
  s = await startLocal({ templatePath, stateDir });
});
afterAll(async () => {
  await s?.close();
});

test('the stage is in the URL; the $default route takes what no route matches; a 2.0 answer\'s status, headers and cookies', async () => {
  const http = s.info.apis.find((a) => a.kind === 'http')!;
  expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  expect(http.routes).toContainEqual({ method: 'ANY', path: '$default', auth: 'NONE', apiKeyRequired: false });
  // /me exists: the JWT authorizer answers, not the catch-all.
  expect((await fetch(`${http.url}/me`)).status).toBe(401);
  const r = await fetch(`${http.url}/anything/else`, { method: 'DELETE' });
  expect(r.status).toBe(201);
  expect(r.headers.get('x-echo')).toBe('1');
  expect(r.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  expect(await r.json()).toEqual({ routeKey: '$default', rawPath: '/v1/anything/else', stage: 'v1', pathParameters: null });
  // A plain string without statusCode: 200, the string as the body.
  const text = await fetch(`${http.url}/text`);
  expect([text.status, text.headers.get('content-type'), await text.text()]).toEqual([200, 'application/json', 'plain words']);
  // Another stage at this API's port: not found.
  const other = await fetch(`${new URL(http.url).origin}/prod/me`);
  expect([other.status, await other.text()]).toEqual([404, '{"message":"Not Found"}']);
});

test('a restart with the same state dir keeps the HTTP API and function URL ids', async () => {
  const before = s.info.apis.filter((a) => a.kind !== 'rest').map((a) => [a.kind, a.id]);
  await s.close();
  s = await startLocal({ templatePath, stateDir });
  expect(s.info.apis.filter((a) => a.kind !== 'rest').map((a) => [a.kind, a.id])).toEqual(before);
  expect((await fetch(`${s.info.apis.find((a) => a.kind === 'http')!.url}/me`)).status).toBe(401);
});
