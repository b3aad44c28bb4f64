import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminSetUserMFAPreferenceCommand, AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { testIO } from '../../src/io.js';
import { BIN, ROOT, runInProcess, tempDir } from '../helpers/cli.js';
import { templateVariant } from '../auth/helpers/stack.js';
import { multiTemplate } from '../local/helpers/template.js';

interface Started {
  info: Record<string, any>;
  stderr: () => string;
  stop: () => Promise<number>;
}

/** Runs `authapi local` in-process until its JSON line appears; stop() aborts it like Ctrl-C. */
async function startInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const io = testIO();
  const controller = new AbortController();
  let announce!: (line: string) => void;
  const firstLine = new Promise<string>((resolve) => (announce = resolve));
  const out = io.out.bind(io);
  io.out = (data) => {
    out(data);
    const text = io.stdoutText();
    if (text.includes('\n')) announce(text.split('\n')[0]!);
  };
  const done = runCli(['local', '--port', '0', '--json', ...args], { io, env, signal: controller.signal });
  const line = await Promise.race([firstLine, done.then((code) => { throw new Error(`exited ${code}: ${io.stderrText()}`); })]);
  return {
    info: JSON.parse(line) as Record<string, any>,
    stderr: () => io.stderrText(),
    stop: async () => {
      controller.abort();
      return done;
    },
  };
}

function setup() {
  const dir = tempDir();
  return { dir, env: { AUTHAPI_CONFIG_DIR: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data'), HOME: dir } };
}

describe('authapi local (in-process)', () => {
  it('serves the stack, writes the local profile, prints a summary without secrets, stops on abort', async () => {
    const { dir, env } = setup();
    const s = await startInProcess([], env);
    expect(s.info).toMatchObject({ region: 'us-east-1', profile: 'local', accountId: '123456789012' });
    expect(s.info.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/prod$/);
    // No secret in the JSON line: the API key is only in the profile, which it names.
    expect(s.info.configPath).toBe(join(dir, 'config', 'config.json'));
    expect(s.info).not.toHaveProperty('apiKey');
    expect(s.info).not.toHaveProperty('clientSecret');
    const profile = JSON.parse(readFileSync(s.info.configPath, 'utf8')).profiles.local;
    expect(profile.apiKey).toMatch(/^[A-Za-z0-9]{40}$/);
    const res = await fetch(`${s.info.apiUrl}/no-auth`, { headers: { 'x-api-key': profile.apiKey } });
    expect(await res.json()).toEqual({ message: 'Open for All!' });

    expect(profile).toEqual({
      region: 'us-east-1', userPoolId: s.info.userPoolId, userPoolClientId: s.info.userPoolClientId, identityPoolId: s.info.identityPoolId,
      apiUrl: s.info.apiUrl, apiKey: profile.apiKey,
      endpoints: { cognitoIdp: s.info.endpoints.cognitoIdp, cognitoIdentity: s.info.endpoints.cognitoIdentity, sts: s.info.endpoints.sts },
      admin: { accessKeyId: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/), secretAccessKey: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/) },
      loginUrl: s.info.endpoints.cognitoIdp,
      loginCallbackUrls: [47801, 47802, 47803].map((p) => `http://127.0.0.1:${p}/callback`),
      // Every API the emulator serves, with each route's auth (the REST API at apiUrl has no url of its own).
      apis: expect.objectContaining({
        rest: { type: 'rest', auth: 'iam', apiKey: true, routes: expect.objectContaining({ 'GET /no-auth': 'none', 'GET /require-auth': 'iam' }) },
      }),
    });
    // The admin credentials are in the profile only: never in the JSON line or on stderr.
    expect(s.info).not.toHaveProperty('admin');
    expect(JSON.stringify(s.info)).not.toContain(profile.admin.accessKeyId);
    const admin = new CognitoIdentityProviderClient({ endpoint: s.info.endpoints.cognitoIdp, region: 'us-east-1', credentials: profile.admin });
    expect((await admin.send(new ListUsersCommand({ UserPoolId: s.info.userPoolId }))).Users?.map((u) => u.Username)).toEqual(['demouser']);
    const madeUp = new CognitoIdentityProviderClient({ endpoint: s.info.endpoints.cognitoIdp, region: 'us-east-1', credentials: { accessKeyId: 'AKIAMADEUP0000000000', secretAccessKey: 'x'.repeat(40) } });
    await expect(madeUp.send(new ListUsersCommand({ UserPoolId: s.info.userPoolId }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.',
    });
    const err = s.stderr();
    expect(err).not.toContain(profile.admin.secretAccessKey);
    expect(err).not.toContain(profile.admin.accessKeyId);
    expect(err).toContain(`aws --endpoint-url ${s.info.endpoints.sts} --region us-east-1 sts get-caller-identity`);
    expect(err).toContain('demouser');
    expect(err).not.toContain(profile.apiKey);
    expect(err).not.toContain('demoPASS123');
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).toContain('authapi local: stopped');
    // Default state dir under XDG_DATA_HOME, private.
    expect(statSync(join(dir, 'data', 'authapi', 'local')).mode & 0o777).toBe(0o700);
    await expect(fetch(`${s.info.apiUrl}/no-auth`)).rejects.toThrow();
  });

  it('--region and --parameter-overrides reach the stack; --json and the summary list every API and route', async () => {
    const { env } = setup();
    const s = await startInProcess(['--no-state', '--template', multiTemplate(), '--region', 'eu-west-1', '--parameter-overrides', 'StageName=v2', 'ParameterKey=DailyQuota,ParameterValue=5'], env);
    try {
      expect(s.info.region).toBe('eu-west-1');
      expect(s.info.userPoolId).toMatch(/^eu-west-1_/);
      expect(s.info.apis.map((a: { logicalId: string; url: string }) => [a.logicalId, a.url.replace(/:\d+/, ':N')])).toEqual([
        ['Api', 'http://127.0.0.1:N/v2'], ['PartnerApi', 'http://127.0.0.1:N/v2'], ['HttpApi', 'http://127.0.0.1:N'], ['FunctionUrlFunction', 'http://127.0.0.1:N/'],
      ]);
      expect(s.info.apis[1].routes).toEqual([{ method: 'GET', path: '/partners/{id}', auth: 'NONE', apiKeyRequired: false }]);
      expect(s.info.userPools).toHaveLength(2);
      expect(s.info.identityPools).toHaveLength(2);
      expect(JSON.stringify(s.info)).not.toMatch(/"value"|clientSecret|apiKey"/);
      const err = s.stderr();
      expect(err).toMatch(/API {10}http:\/\/127\.0\.0\.1:\d+\/v2 {3}\(Api, the profile's\)\n {6}GET {4}\/no-auth {3}needs API key\n {6}GET {4}\/require-auth {3}needs SigV4 \(IAM\) \+ API key\n/);
      expect(err).toMatch(/\(PartnerApi\)\n {6}GET {4}\/partners\/\{id\}\n/);
      // The HTTP API and the function URL, with what each route needs.
      expect(err).toMatch(/HTTP API {5}http:\/\/127\.0\.0\.1:\d+ {3}\(HttpApi\)\n {6}GET {4}\/me {3}needs a token of the pool \(JWT authorizer\)\n {6}GET {4}\/admin {3}needs a token of the pool \(JWT authorizer\) \+ scope authapi\/admin\n {6}GET {4}\/iam {3}needs SigV4 \(IAM\)\n/);
      expect(err).toMatch(/Function URL http:\/\/127\.0\.0\.1:\d+\/ {3}\(FunctionUrlFunction\)\n {6}ANY {4}\/\{proxy\+\} {3}needs SigV4 \(IAM, service lambda\)\n/);
      expect(s.info.apis[2].routes[1]).toEqual({ method: 'GET', path: '/admin', auth: 'JWT', apiKeyRequired: false, scopes: ['authapi/admin'] });
      expect(err).toContain('partner-admin, with a secret');
      expect(err).toContain('authapi call require-auth');
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it.each([
    [['--parameter-overrides', 'StageName'], /--parameter-overrides: "StageName" is not Name=Value — e\.g\. --parameter-overrides StageName=dev/],
    [['--parameter-overrides', 'Nope=1'], /Parameters: override for Nope, but the template has no such parameter/],
    [['--parameter-overrides', 'StageName=no-dashes!'], /StageName/],
    [['--region', 'mars'], /--region: "mars" is not a region name/],
  ])('bad %j: exit 2, one line', async (args, message) => {
    const { env } = setup();
    const r = await runInProcess(['local', '--no-state', ...args], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--profile, --user, --no-state; keeps the profile\'s store choice', async () => {
    const { dir, env } = setup();
    const cfg = join(dir, 'config');
    await runInProcess(['configure', '--profile', 'dev', '--region', 'us-east-1', '--user-pool-id', 'us-east-1_AbC123xyz', '--client-id', 'abc',
      '--identity-pool-id', 'us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d', '--api-url', 'http://127.0.0.1:1/prod', '--api-key', 'k'.repeat(30), '--store', 'file',
      '--cognito-idp-endpoint', 'http://127.0.0.1:1'], { env });
    const s = await startInProcess(['--profile', 'dev', '--user', 'alice:Alice12345', '--user', 'bob:Bob123456', '--no-state'], env);
    expect(s.info.profile).toBe('dev');
    expect(s.stderr()).toContain('alice, bob');
    expect(await s.stop()).toBe(0);
    const profile = JSON.parse(readFileSync(join(cfg, 'config.json'), 'utf8')).profiles.dev;
    expect(profile).toMatchObject({ store: 'file', apiUrl: s.info.apiUrl });
    expect(existsSync(join(dir, 'data', 'authapi', 'local'))).toBe(false);
  });

  it('a template whose app client has a secret: the secret is in the profile, not in the JSON line or the summary', async () => {
    const { env } = setup();
    const template = templateVariant({ clientSecret: true });
    const s = await startInProcess(['--no-state', '--template', template], env);
    const secret = JSON.parse(readFileSync(s.info.configPath, 'utf8')).profiles.local.clientSecret;
    expect(secret).toMatch(/^[a-z0-9]{40,}$/);
    expect(s.info).not.toHaveProperty('clientSecret');
    expect(s.stderr()).toContain('(authapi-cli, with a secret)');
    expect(s.stderr()).not.toContain(secret);
    expect(await s.stop()).toBe(0);
  });

  it('prints SMS MFA codes on stderr, where the user can read them', async () => {
    const { env } = setup();
    const s = await startInProcess(['--no-state'], env);
    try {
      const { admin: credentials } = JSON.parse(readFileSync(s.info.configPath, 'utf8')).profiles.local;
      const admin = new CognitoIdentityProviderClient({ endpoint: s.info.endpoints.cognitoIdp, region: 'us-east-1', credentials });
      await admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: s.info.userPoolId, Username: 'demouser', UserAttributes: [{ Name: 'phone_number', Value: '+15555554114' }, { Name: 'phone_number_verified', Value: 'true' }] }));
      await admin.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: s.info.userPoolId, Username: 'demouser', SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
      const pool = new CognitoUserPool({ UserPoolId: s.info.userPoolId, ClientId: s.info.userPoolClientId, endpoint: s.info.endpoints.cognitoIdp });
      const user = new CognitoUser({ Username: 'demouser', Pool: pool });
      const challenge = await new Promise<string>((resolve, reject) => {
        user.authenticateUser(new AuthenticationDetails({ Username: 'demouser', Password: 'demoPASS123' }), {
          onSuccess: () => reject(new Error('no MFA challenge')),
          onFailure: reject,
          mfaRequired: (name: string) => resolve(name),
        });
      });
      expect(challenge).toBe('SMS_MFA');
      expect(s.stderr()).toMatch(/local: SMS to \+\*+4114 for demouser: code \d{6}/);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it.each([
    [['--port', 'abc'], /--port: "abc" is not a port number/],
    [['--port', '70000'], /--port: "70000" is not a port number/],
    [['--user', 'nocolon'], /--user takes NAME:PASSWORD/],
    [['--user', 'alice:'], /--user takes NAME:PASSWORD/],
    [['--no-state', '--state-dir', '/tmp/x'], /--state-dir and --no-state cannot be combined/],
    [['--template', '/nonexistent/template.yaml'], /\/nonexistent\/template\.yaml: no such file/],
    [['--no-state', '--user', 'alice:short'], /--user alice: Password did not conform with policy: Password not long enough/],
  ])('refuses %j with exit 2 and one line', async (args, message) => {
    const { env } = setup();
    const r = await runInProcess(['local', ...args], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a template it cannot use: exit 2 naming the file and the place', async () => {
    const { dir, env } = setup();
    const t = join(dir, 't.yaml');
    writeFileSync(t, readFileSync(join(ROOT, 'infra/template.yaml'), 'utf8').replace('UserPoolId: !Ref UserPool', 'UserPoolId: !Ref Nope'));
    const r = await runInProcess(['local', '--no-state', '--template', t], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${t}: Resources\\.UserPoolDomain\\.Properties\\.UserPoolId .*!Ref Nope`));
  });

  it('never overwrites the profile of a deployed stack, even when AUTHAPI_PROFILE picks it', async () => {
    const { dir, env } = setup();
    const deployed = ['configure', '--profile', 'prod', '--region', 'us-east-1', '--user-pool-id', 'us-east-1_AbC123xyz', '--client-id', 'abc',
      '--identity-pool-id', 'us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d', '--api-url', 'https://abc.execute-api.us-east-1.amazonaws.com/prod', '--api-key', 'k'.repeat(30)];
    expect((await runInProcess(deployed, { env })).code).toBe(0);
    const before = readFileSync(join(dir, 'config', 'config.json'), 'utf8');
    const r = await runInProcess(['local', '--no-state'], { env: { ...env, AUTHAPI_PROFILE: 'prod' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('authapi: profile "prod" points at a deployed stack; the emulator will not overwrite it — use --profile local (or another name)\n');
    expect(readFileSync(join(dir, 'config', 'config.json'), 'utf8')).toBe(before);
  });

  it('a state dir in use by another emulator: exit 2', async () => {
    const { env } = setup();
    const first = await startInProcess([], env);
    try {
      const r = await runInProcess(['local', '--port', '0'], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/state dir .*authapi\/local is in use by another emulator \(pid \d+\); stop it, or use another --state-dir or --no-state/);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });

  it('a port in use: exit 2 with a hint', async () => {
    const { env } = setup();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runInProcess(['local', '--no-state', '--port', String(port)], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`127.0.0.1:${port} is already in use — pick another --port`);
    } finally {
      blocker.close();
    }
  });
});

describe('authapi local (the built binary)', () => {
  // `npm test` builds first; the bundle must exist for this test to mean anything.
  it.each(['SIGTERM', 'SIGINT'] as const)('starts on port 0, answers, and exits 0 on %s', async (signal) => {
    expect(existsSync(join(ROOT, 'dist', 'local.cjs'))).toBe(true);
    const { env } = setup();
    const child = spawn(process.execPath, [BIN, 'local', '--port', '0', '--json'], {
      cwd: tempDir(), env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exitCode = code))));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
        });
        void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      const info = JSON.parse(line) as Record<string, any>;
      expect(info.profile).toBe('local');
      const jwks = await fetch(`${info.endpoints.cognitoIdp}/${info.userPoolId}/.well-known/jwks.json`);
      expect(jwks.status).toBe(200);
      expect(line).not.toContain(JSON.parse(readFileSync(info.configPath, 'utf8')).profiles.local.apiKey);
      const res = await fetch(`${info.apiUrl}/require-auth`);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: 'Missing Authentication Token' });
      child.kill(signal);
      expect(await exited).toBe(0);
      expect(stderr).toContain('authapi local: stopped');
    } finally {
      // A failed check above must not leave the stack running after the test.
      if (exitCode === undefined) child.kill('SIGKILL');
    }
  });
});
