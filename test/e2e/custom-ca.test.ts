// Custom certificate authorities on every TLS path of the built binary: the whole
// local stack (User Pool, Identity Pool, API) behind an HTTPS front whose certificate
// a test CA signs (made with openssl here). Without the CA every command fails with
// exit 6 and one line saying the certificate is not trusted; with AWS_CA_BUNDLE (or
// NODE_EXTRA_CA_CERTS) it works — `call`'s own TLS client, undici (batch), the
// User Pool's JSON calls, the JWKS fetch and the AWS SDK (Identity Pool, CloudFormation).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBinary, tempDir, writeProfiles } from '../helpers/cli.js';
import { makeTestCa, startTlsFront, type TlsFront } from '../helpers/tls-ca.js';
import { profileFor } from './call-stack.js';
import { startLocal, type LocalStack } from '../../src/local/index.js';

let stack: LocalStack;
let front: TlsFront;
let apiFront: TlsFront;
let dir: string;
let caFile: string;
let frontUrl: string;

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ AUTHAPI_CONFIG_DIR: dir, AUTHAPI_STORE: 'file', HOME: dir, AUTHAPI_MAX_ATTEMPTS: '1', AWS_MAX_ATTEMPTS: '1', ...extra });
const UNTRUSTED = /^authapi: .*its TLS certificate is not trusted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\) — if a private CA or a proxy signs it, point AWS_CA_BUNDLE \(or NODE_EXTRA_CA_CERTS\) at that CA's PEM file$/;
const authapiLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('authapi:'));

beforeAll(async () => {
  stack = await startLocal({ port: 0 });
  const ca = makeTestCa();
  caFile = ca.caFile;
  // The service endpoints and the API listen apart (as on AWS): a front for each.
  front = await startTlsFront(ca, stack.url);
  apiFront = await startTlsFront(ca, new URL(stack.info.apiUrl).origin);
  frontUrl = `https://localhost:${front.port}`;
  dir = tempDir('authapi-ca-cli-');
  const tls = { ...profileFor(stack), apiUrl: `https://localhost:${apiFront.port}/prod`, endpoints: { cognitoIdp: frontUrl, cognitoIdentity: frontUrl, sts: frontUrl } };
  writeProfiles(dir, { tls, viaextra: tls, guest1: tls, guest2: tls });
}, 60_000);

afterAll(async () => {
  await front?.close();
  await apiFront?.close();
  await stack?.close();
});

describe('a private CA (binary)', () => {
  it('login: untrusted without the CA (exit 6, one line, no stack), then works with AWS_CA_BUNDLE', async () => {
    const bad = await runBinary(['--profile', 'tls', 'login', '-u', 'demouser', '--password-stdin'], { env: env(), input: 'demoPASS123\n' });
    expect(bad.code, bad.stderr).toBe(6);
    expect(authapiLines(bad.stderr)).toHaveLength(1);
    expect(authapiLines(bad.stderr)[0]).toMatch(UNTRUSTED);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const good = await runBinary(['--profile', 'tls', 'login', '-u', 'demouser', '--password-stdin'], { env: env({ AWS_CA_BUNDLE: caFile }), input: 'demoPASS123\n' });
    expect(good.code, good.stderr).toBe(0);
  });

  it('call, batch and status --verify: untrusted without it, working with AWS_CA_BUNDLE', async () => {
    const login = await runBinary(['--profile', 'tls', 'login', '-u', 'demouser', '--password-stdin'], { env: env({ AWS_CA_BUNDLE: caFile }), input: 'demoPASS123\n' });
    expect(login.code, login.stderr).toBe(0);
    for (const [args, input] of [[['call', 'require-auth']], [['batch'], '{"path":"require-auth"}\n'], [['status', '--verify', '--json']]] as Array<[string[], string?]>) {
      const bad = await runBinary(['--profile', 'tls', ...args], { env: env(), input });
      expect(bad.code, `${args[0]}: ${bad.stderr}`).toBe(6);
      const said = args[0] === 'batch' ? `authapi: ${JSON.parse(bad.stdout).error}` : args[0] === 'status' ? `authapi: ${JSON.parse(bad.stdout).login.user.verifyProblem}` : authapiLines(bad.stderr)[0];
      expect(said, args[0]).toMatch(/its TLS certificate is not trusted/);
      const good = await runBinary(['--profile', 'tls', ...args], { env: env({ AWS_CA_BUNDLE: caFile }), input });
      expect(good.code, `${args[0]}: ${good.stderr}`).toBe(0);
    }
  });

  it('the Identity Pool exchange (AWS SDK): credentials --guest, untrusted then trusted', async () => {
    const bad = await runBinary(['--profile', 'guest1', 'credentials', '--guest', '--format', 'json'], { env: env() });
    expect(bad.code, bad.stderr).toBe(6);
    expect(authapiLines(bad.stderr)[0]).toMatch(/^authapi: cannot reach the Identity Pool: its TLS certificate is not trusted/);
    const good = await runBinary(['--profile', 'guest2', 'credentials', '--guest', '--format', 'json'], { env: env({ AWS_CA_BUNDLE: caFile }) });
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).AccessKeyId).toMatch(/^ASIA/);
  });

  it('NODE_EXTRA_CA_CERTS works as well (Node applies it to every TLS client)', async () => {
    const e = env({ NODE_EXTRA_CA_CERTS: caFile });
    const login = await runBinary(['--profile', 'viaextra', 'login', '-u', 'demouser', '--password-stdin'], { env: e, input: 'demoPASS123\n' });
    expect(login.code, login.stderr).toBe(0);
    const call = await runBinary(['--profile', 'viaextra', 'call', 'require-auth'], { env: e });
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toBe('{"message":"You\'re past the velvet rope!"}');
    // Both at once: AWS_CA_BUNDLE replaces Node's default store in the TLS options; the extra CA must survive that.
    const other = makeTestCa();
    const both = await runBinary(['--profile', 'viaextra', 'call', 'require-auth'], { env: { ...e, AWS_CA_BUNDLE: other.caFile } });
    expect(both.code, both.stderr).toBe(0);
  });

  it('configure --from-stack (the SDK\'s CloudFormation client): untrusted without the CA, past TLS with it', async () => {
    const e = env({ AWS_ENDPOINT_URL: frontUrl, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example', AWS_EC2_METADATA_DISABLED: 'true' });
    const bad = await runBinary(['configure', '--from-stack', 'authapi', '--region', 'us-east-1', '--profile', 'fromstack'], { env: e });
    expect(bad.code, bad.stderr).toBe(6);
    expect(authapiLines(bad.stderr)[0]).toMatch(/^authapi: reading stack authapi: its TLS certificate is not trusted/);
    // With the CA the TLS handshake succeeds and the emulator (which is no CloudFormation) answers: not a network error.
    const good = await runBinary(['configure', '--from-stack', 'authapi', '--region', 'us-east-1', '--profile', 'fromstack'], { env: { ...e, AWS_CA_BUNDLE: caFile } });
    expect(good.code, good.stderr).not.toBe(6);
    expect(good.stderr).not.toMatch(/certificate/);
    expect(front.seen.some((s) => s.startsWith('POST /'))).toBe(true);
  });

  it('an AWS_CA_BUNDLE that cannot be read is exit 2 naming it', async () => {
    const missing = join(tempDir(), 'nope.pem');
    const r = await runBinary(['--profile', 'tls', 'call', 'no-auth'], { env: env({ AWS_CA_BUNDLE: missing }) });
    expect(r.code).toBe(2);
    expect(authapiLines(r.stderr)).toEqual([`authapi: AWS_CA_BUNDLE=${missing}: cannot read it (ENOENT) — point AWS_CA_BUNDLE at a PEM file of CA certificates`]);
    const notPem = join(tempDir(), 'x.pem');
    writeFileSync(notPem, 'hello');
    const r2 = await runBinary(['--profile', 'tls', 'call', 'no-auth'], { env: env({ AWS_CA_BUNDLE: notPem }) });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('no PEM certificate in it');
  });
});
