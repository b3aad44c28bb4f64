// The real binary against the emulator, route by route: the profile `authapi local`
// writes records each route's auth, and `call`/`batch` send what it says — unsigned
// for no-auth (no login needed), SigV4 for require-auth — with --auth/--unsigned
// overriding, --dry-run/-v explaining, a token route refusing to run without a
// login, and the API reached under a second host name (a custom domain stands in:
// the signature covers the Host actually sent) with x-apigw-api-id for private APIs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { echoTemplate, profileFor, startLocal } from './call-stack.js';
import type { LocalStack } from '../../src/local/index.js';

let stack: LocalStack;
let dir: string;
let env: NodeJS.ProcessEnv;
const PLAINTEXT_NOTE = /^warning: secrets are kept in plaintext files.*\n/gm;
const run = async (args: string[], opts: { input?: string; profile?: string } = {}) => {
  const r = await runBinary([...args, '--profile', opts.profile ?? 'local'], { env, input: opts.input });
  return { ...r, stderr: r.stderr.replace(PLAINTEXT_NOTE, '') };
};

beforeAll(async () => {
  stack = await startLocal({ port: 0, templatePath: echoTemplate({ headers: true }), parameterOverrides: { ThrottleRateLimit: '10000', ThrottleBurstLimit: '10000' } });
  dir = tempDir();
  const local = profileFor(stack);
  const port = new URL(stack.info.apiUrl).port;
  writeProfiles(dir, {
    local,
    // The same API under another host name (as a custom domain or a VPC endpoint's
    // DNS name would be), with the id of a private API.
    otherHost: { ...local, apiUrl: `http://localhost:${port}/prod`, apiId: 'a1b2c3d4e5' },
    // The same stack without a route table: a profile written before routes were recorded.
    old: (({ apis: _apis, ...rest }) => rest)(local),
  });
  env = { AUTHAPI_CONFIG_DIR: dir, AUTHAPI_STORE: 'file', AUTHAPI_AGENT: '0', HOME: dir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
});
afterAll(async () => stack?.close());

describe('call (binary): each route gets its auth from the profile', () => {
  it('the profile local writes records every route of the API', () => {
    expect(profileFor(stack).apis!.rest).toEqual({
      type: 'rest', auth: 'iam', apiKey: true,
      routes: { 'GET /no-auth': 'none', 'GET /require-auth': 'iam', 'GET /require-token': 'id-token', 'GET /require-scope': 'access-token', 'ANY /{proxy+}': 'iam' },
    });
  });

  it('nobody logged in: no-auth goes unsigned (no Identity Pool call), require-auth as a guest is refused with the login hint', async () => {
    const r = await run(['call', 'no-auth', '-v']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('{"message":"Open for All!"}');
    expect(r.stderr).toContain('auth: none (unsigned), route GET /no-auth of api rest: no authorizer');
    expect(r.stderr).not.toMatch(/guest credentials|Identity Pool/);
    const d = await run(['call', 'no-auth', '--dry-run']);
    expect(d.stdout).not.toMatch(/^authorization:/m);
    expect(d.stdout).toMatch(/^x-api-key: \*\*\*$/m);

    const refused = await run(['call', 'require-auth']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/run `authapi login --profile local`/);
  });

  it('a token auth with nobody logged in: exit 3 and the login hint, nothing sent (no guest fallback)', async () => {
    const r = await run(['call', 'no-auth', '--auth', 'id-token']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^authapi: not logged in.* — run `authapi login --profile local`$/)]);
    const guest = await run(['call', 'no-auth', '--auth', 'access-token', '--guest']);
    expect(guest.code).toBe(2);
    expect(guest.stderr).toMatch(/^authapi: --guest: this route takes the user's access token, and guests have none/);
  });

  describe('logged in', () => {
    beforeAll(async () => {
      const login = await run(['login', '-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n' });
      expect(login.code, login.stderr).toBe(0);
    });

    it('require-auth: SigV4 (execute-api); --dry-run says so and why, secrets masked', async () => {
      const r = await run(['call', 'require-auth']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('{"message":"You\'re past the velvet rope!"}');
      const d = await run(['call', 'require-auth', '--dry-run']);
      expect(d.code).toBe(0);
      expect(d.stderr).toBe('auth: iam (SigV4, service execute-api), route GET /require-auth of api rest: AWS_IAM\n');
      expect(d.stdout).toMatch(/^authorization: AWS4-HMAC-SHA256 Credential=.*\/execute-api\/aws4_request, SignedHeaders=.*, Signature=\*\*\*$/m);
      expect(d.stdout).not.toMatch(/[0-9a-f]{64}/);
      expect(d.stdout).not.toContain(stack.info.apiKey);
    });

    it('--auth iam signs a route that needs nothing; --auth none / --unsigned leave an IAM route unsigned (403, exit 4)', async () => {
      const signed = await run(['call', '/echo/x', '--auth', 'iam']);
      expect(signed.code, signed.stderr).toBe(0);
      expect(JSON.parse(signed.stdout).authType).toBe('authenticated');
      const d = await run(['call', 'no-auth', '--auth', 'iam', '--dry-run']);
      expect(d.stderr).toBe('auth: iam (SigV4, service execute-api), --auth (route GET /no-auth of api rest)\n');
      for (const flags of [['--auth', 'none'], ['--unsigned']]) {
        const r = await run(['call', 'require-auth', ...flags]);
        expect(r.code).toBe(4);
        expect(r.stdout).toContain('Missing Authentication Token');
      }
      const bad = await run(['call', 'require-auth', '--auth', 'jwt']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--auth.*jwt.*(iam, id-token, access-token, none)/);
    });

    it('the ID token sent to an IAM route is refused there (403, exit 4), and never printed', async () => {
      const r = await run(['call', 'require-auth', '--auth', 'id-token', '-v']);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('auth: id-token (raw token in Authorization), --auth (route GET /require-auth of api rest)');
      expect(r.stderr).toMatch(/^debug:\s+authorization: \*\*\*$/m);
      // API Gateway's refusal names what it wanted; authapi says what to do.
      expect(r.stderr).toMatch(/authapi: HTTP 403 Forbidden — this route takes a SigV4 signature \(AWS_IAM\): call it with --auth iam/);
      expect(r.stderr).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
    });

    it('a profile without a route table still signs every route (as before)', async () => {
      const r = await run(['call', 'no-auth', '-v'], { profile: 'old' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("auth: iam (SigV4, service execute-api), api default's default for routes it does not list: AWS_IAM");
    });

    it('--api names an API of the profile; an unknown one is refused with the known ones', async () => {
      const r = await run(['call', 'no-auth', '--api', 'rest']);
      expect(r.code).toBe(0);
      const bad = await run(['call', 'no-auth', '--api', 'graphql']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe('authapi: --api "graphql": the profile has no such API — known: rest, http, function-url\n');
    });

    it('another host name for the API: the signature covers the Host sent; x-apigw-api-id goes with it, signed', async () => {
      const login = await run(['login', '-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n', profile: 'otherHost' });
      expect(login.code, login.stderr).toBe(0);
      const r = await run(['call', '/echo/host'], { profile: 'otherHost' });
      expect(r.code, r.stderr).toBe(0);
      const echoed = JSON.parse(r.stdout) as { headers: Record<string, string[]>; authType: string };
      const port = new URL(stack.info.apiUrl).port;
      expect(echoed.headers.Host ?? echoed.headers.host).toEqual([`localhost:${port}`]);
      expect(echoed.headers['x-apigw-api-id']).toEqual(['a1b2c3d4e5']);
      expect(echoed.authType).toBe('authenticated');
      const d = await run(['call', '/echo/host', '--dry-run'], { profile: 'otherHost' });
      expect(d.stdout).toMatch(/SignedHeaders=host;x-amz-date;x-amz-security-token;x-api-key;x-apigw-api-id,/);
      // A URL under that host is under the API; the emulator's own address is another host.
      const url = await run(['call', `http://localhost:${port}/prod/require-auth`], { profile: 'otherHost' });
      expect(url.code, url.stderr).toBe(0);
      const elsewhere = await run(['call', `${stack.info.apiUrl}/require-auth`], { profile: 'otherHost' });
      expect(elsewhere.code).toBe(2);
      expect(elsewhere.stderr).toMatch(/is not under the profile's API URL http:\/\/localhost:/);
    });

    it('batch: each line with its route\'s auth or its own "auth"; a bad "auth" is that line\'s exit 2', async () => {
      const input = [
        { id: 1, path: 'no-auth' },
        { id: 2, path: 'require-auth' },
        { id: 3, path: 'require-auth', auth: 'none' },
        { id: 4, path: '/echo/b', auth: 'iam' },
        { id: 5, path: 'no-auth', auth: 'token' },
        { id: 6, path: 'require-auth', auth: 'id-token' },
      ].map((l) => JSON.stringify(l)).join('\n') + '\n';
      const r = await run(['batch', '--ordered', '--concurrency', '1'], { input });
      const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(results.map((x) => x.status ?? `exit ${x.exitCode}`)).toEqual([200, 200, 403, 200, 'exit 2', 403]);
      expect(results[4].error).toBe('line 5: "auth" "token": not an auth mode');
      expect(r.code).toBe(4);
      // (The 403 body of line 6 is API Gateway's own, which quotes the Authorization header it was given.)
      expect(r.stderr).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
    });
  });
});
