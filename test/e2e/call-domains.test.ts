// Point 4 of issue 15 through the real binary: the API reached by another name than
// its own execute-api host — a custom domain with a base path mapping (`localhost/v1`
// → stage prod) and a private API's VPC endpoint name (any host, `x-apigw-api-id`
// picking the API, the path starting with the stage). The emulator answers both on
// one more listener; the signature covers the Host and path actually sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { profileFor, startLocal } from './call-stack.js';
import type { LocalStack } from '../../src/local/index.js';

let stack: LocalStack;
let env: NodeJS.ProcessEnv;
let port: string;
const PLAINTEXT_NOTE = /^warning: secrets are kept in plaintext files.*\n/gm;
const run = async (args: string[], profile: string, input?: string) => {
  const r = await runBinary([...args, '--profile', profile], { env, input });
  return { ...r, stderr: r.stderr.replace(PLAINTEXT_NOTE, '') };
};

beforeAll(async () => {
  stack = await startLocal({
    port: 0,
    parameterOverrides: { ThrottleRateLimit: '10000', ThrottleBurstLimit: '10000' },
    customDomains: [{ host: 'localhost', basePath: 'v1', api: 'Api' }],
  });
  const dir = tempDir();
  const local = profileFor(stack);
  const domains = new URL(stack.info.domainsUrl!);
  port = domains.port;
  const restId = stack.info.apis.find((a) => a.logicalId === 'Api')!.id;
  writeProfiles(dir, {
    domain: { ...local, apiUrl: `http://localhost:${port}/v1` },
    vpce: { ...local, apiUrl: `http://127.0.0.1:${port}/prod`, apiId: restId },
    vpceNoId: { ...local, apiUrl: `http://127.0.0.1:${port}/prod` },
  });
  env = { AUTHAPI_CONFIG_DIR: dir, AUTHAPI_STORE: 'file', AUTHAPI_AGENT: '0', HOME: dir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  for (const p of ['domain', 'vpce']) {
    const login = await run(['login', '-u', 'demouser', '--password-stdin'], p, 'demoPASS123\n');
    expect(login.code, login.stderr).toBe(0);
  }
});
afterAll(async () => stack?.close());

describe('custom domains and private APIs (binary)', () => {
  it('a custom domain with a base path: SigV4 over the Host and path sent, tokens and the key as on the API\'s own host', async () => {
    const d = await run(['call', 'require-auth', '--dry-run'], 'domain');
    expect(d.stdout).toMatch(/^GET \/v1\/require-auth HTTP\/1\.1$/m);
    expect(d.stdout).toMatch(new RegExp(`^host: localhost:${port}$`, 'm'));
    for (const [route, message] of [['require-auth', "You're past the velvet rope!"], ['no-auth', 'Open for All!']]) {
      const r = await run(['call', route!], 'domain');
      expect(r.code, `${route}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout).message).toBe(message);
    }
    const token = await run(['call', 'require-token'], 'domain');
    expect(token.code, token.stderr).toBe(0);
    // A URL outside the base path is not the profile's API: refused before anything is sent.
    const outside = await run(['call', `http://localhost:${port}/v2/require-auth`, '--api', 'rest'], 'domain');
    expect(outside.code).toBe(2); // not under the profile's API URL: nothing sent
  });

  it('a private API through a VPC endpoint name: x-apigw-api-id (signed) picks the API; without it, 403 (exit 4)', async () => {
    const d = await run(['call', 'require-auth', '--dry-run'], 'vpce');
    expect(d.stdout).toMatch(/^x-apigw-api-id: \w+$/m);
    expect(d.stdout).toMatch(/SignedHeaders=[^,]*x-apigw-api-id/);
    const r = await run(['call', 'require-auth'], 'vpce');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).message).toBe("You're past the velvet rope!");
    const none = await run(['call', 'no-auth'], 'vpceNoId');
    expect(none.code).toBe(4);
  });
});
