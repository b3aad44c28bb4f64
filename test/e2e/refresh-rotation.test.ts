// The CLI against an app client that rotates refresh tokens (RefreshTokenRotation
// ENABLED, no grace period), as the real binary: REFRESH_TOKEN_AUTH is refused, so
// the CLI refreshes with GetTokensFromRefreshToken and stores the rotated token
// before anything else. Two processes refreshing at once still leave one valid
// session: with a grace period of 0 a second refresh with the old token would fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir, writeProfiles } from '../helpers/cli.js';
import { startLocal, type LocalStack } from '../../src/local/index.js';
import { profileFromLocalInfo } from '../../src/commands/local.js';
import { binaryEnv, runShifted, type BinaryEnv } from './helpers/binary.js';

const MIN = 60_000;

let stack: LocalStack;
const serverOffset = { ms: 0 };
let bin: BinaryEnv;
const calls: string[] = [];

beforeAll(async () => {
  const dir = tempDir('authapi-e2e-rotation-');
  const original = readFileSync(resolve('infra/template.yaml'), 'utf8');
  const anchor = '      EnableTokenRevocation: true\n';
  expect(original).toContain(anchor);
  const template = join(dir, 'template.yaml');
  writeFileSync(template, original.replace(anchor, `${anchor}      RefreshTokenRotation:\n        Feature: ENABLED\n        RetryGracePeriodSeconds: 0\n`));
  // infra/ handlers are found relative to the template: keep them reachable.
  writeFileSync(template, readFileSync(template, 'utf8').replaceAll('CodeUri: functions/', `CodeUri: ${resolve('infra/functions')}/`));
  stack = await startLocal({ port: 0, templatePath: template, clock: { now: () => Date.now() + serverOffset.ms } });
  // Which refresh operations reach the pool (the service is shared, so wrap its handler).
  const handle = stack.idp.handle.bind(stack.idp);
  stack.idp.handle = async (req) => {
    const op = (req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const body = req.body.length ? (JSON.parse(req.body.toString('utf8')) as { AuthFlow?: string }) : {};
    if (op === 'GetTokensFromRefreshToken' || body.AuthFlow === 'REFRESH_TOKEN_AUTH') calls.push(body.AuthFlow ?? op);
    return handle(req);
  };
  writeProfiles(dir, { local: profileFromLocalInfo(stack.info) });
  bin = await binaryEnv(dir);
});
afterAll(async () => stack?.close());

const authapi = (args: string[], opts: { input?: string; offsetMs?: number } = {}) => runShifted(bin, args, opts);

describe('e2e: refresh with a rotating app client (real binary, local stack)', () => {
  it('two processes refresh at once, one rotation is stored, and the next refresh works', async () => {
    const login = await authapi(['login', '-u', 'demouser', '--password-stdin'], { input: 'demoPASS123\n' });
    expect(login.code).toBe(0);

    serverOffset.ms = 61 * MIN;
    const [a, b] = await Promise.all([
      authapi(['credentials', '--format', 'json'], { offsetMs: 61 * MIN }),
      authapi(['credentials', '--format', 'json'], { offsetMs: 61 * MIN }),
    ]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    expect(JSON.parse(b.stdout).AccessKeyId).toBe(JSON.parse(a.stdout).AccessKeyId);
    // Refused flow first, then one rotation — not two.
    expect(calls).toEqual(['REFRESH_TOKEN_AUTH', 'GetTokensFromRefreshToken']);

    // Another hour: the stored (rotated) refresh token is the live one.
    serverOffset.ms = 122 * MIN;
    const c = await authapi(['credentials', '--format', 'json'], { offsetMs: 122 * MIN });
    expect([c.code, c.stderr]).toEqual([0, '']);
    expect(calls.filter((x) => x === 'GetTokensFromRefreshToken')).toHaveLength(2);

    // logout revokes the rotated token: the whole chain is gone.
    const logout = await authapi(['logout'], { offsetMs: 122 * MIN });
    expect(logout.stderr).toBe('authapi: logged out (profile local); refresh token revoked\n');
  });
});
