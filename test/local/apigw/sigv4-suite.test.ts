// The official AWS SigV4 test suite (fixtures in test/fixtures/aws-sig-v4-test-suite,
// see the README there for where they come from), run through the emulator's verifier with the suite's fixed inputs.
// Each case must verify, and a one-byte change of the signature must fail with the
// suite's own canonical request and string to sign.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryCredentialRegistry } from '../../../src/local/credentials.js';
import { listen } from '../../../src/local/http.js';
import type { LocalRequest } from '../../../src/local/model.js';
import { verifySigV4 } from '../../../src/local/apigw/sigv4-verify.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const suiteDir = join(repoRoot, 'test', 'fixtures', 'aws-sig-v4-test-suite');

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SUITE_NOW = Date.UTC(2015, 7, 30, 12, 36, 0);

interface SuiteCase {
  name: string;
  dir: string;
  read(ext: string): string;
}

function findCases(dir: string): SuiteCase[] {
  const out: SuiteCase[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (!statSync(full).isDirectory()) continue;
    if (existsSync(join(full, `${entry}.req`))) {
      out.push({ name: entry, dir: full, read: (ext) => readFileSync(join(full, `${entry}.${ext}`), 'utf8') });
    }
    out.push(...findCases(full));
  }
  return out;
}

interface ParsedReq {
  method: string;
  target: string;
  headers: Array<[string, string]>;
  body: string;
  /** The request uses obs-fold (a header line continued on the next line). */
  folded: boolean;
}

/** Parses a suite `.req` the way Node's HTTP parser would present it (values trimmed). */
function parseReq(text: string): ParsedReq {
  const blank = text.indexOf('\n\n');
  const head = blank < 0 ? text : text.slice(0, blank);
  const body = blank < 0 ? '' : text.slice(blank + 2);
  const [requestLine, ...lines] = head.split('\n');
  const words = requestLine!.split(' ');
  const method = words[0]!;
  const target = words.slice(1, -1).join(' ');
  const headers: Array<[string, string]> = [];
  let folded = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      folded = true;
      continue;
    }
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { method, target, headers, body, folded };
}

function toLocal(p: ParsedReq, extra: Array<[string, string]>): LocalRequest {
  const all = [...p.headers, ...extra];
  const headers: Record<string, string> = {};
  for (const [k, v] of all) {
    const lk = k.toLowerCase();
    headers[lk] = headers[lk] === undefined ? v : `${headers[lk]}, ${v}`;
  }
  return {
    method: p.method,
    url: p.target,
    headers,
    rawHeaders: all.flat(),
    body: Buffer.from(p.body, 'utf8'),
    sourceIp: '127.0.0.1',
  };
}

function optsFor(token: string) {
  return {
    service: 'service',
    region: 'us-east-1',
    clock: { now: () => SUITE_NOW },
    credentials: new MemoryCredentialRegistry([
      {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: SECRET,
        // The suite's key is long-term unless a case carries a token.
        sessionToken: token,
        expiration: SUITE_NOW + 3_600_000,
        identityId: 'us-east-1:00000000-0000-0000-0000-000000000000',
        identityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000001',
        authenticated: true,
        roleLogicalId: 'Role',
      },
    ]),
  };
}

const cases = findCases(suiteDir);

describe('AWS SigV4 test suite through verifySigV4', () => {
  it('finds the suite in test/fixtures', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  for (const c of cases) {
    const req = parseReq(c.read('req'));
    const sreq = parseReq(c.read('sreq'));
    const authz = c.read('authz').trim();
    // post-sts-header-after adds the token after signing: take it from the .sreq.
    const tokenHeader = sreq.headers.find(([k]) => k.toLowerCase() === 'x-amz-security-token');
    const tokenInReq = req.headers.some(([k]) => k.toLowerCase() === 'x-amz-security-token');
    const extra: Array<[string, string]> = [['Authorization', authz]];
    if (tokenHeader && !tokenInReq) extra.push(tokenHeader);
    const token = tokenHeader?.[1] ?? '';

    if (req.folded) {
      it(`${c.name}: not applicable — obs-fold header lines never reach the verifier (Node's HTTP parser answers 400, RFC 7230 §3.2.4)`, async () => {
        const server = await listen(async () => ({ status: 200, headers: {}, body: 'reached' }));
        try {
          const raw = c.read('sreq').replace(/\n/g, '\r\n') + '\r\n\r\n';
          const reply = await new Promise<string>((resolve, reject) => {
            const sock = connect(server.port, '127.0.0.1', () => sock.end(raw));
            let data = '';
            sock.on('data', (d: Buffer) => (data += d.toString('latin1')));
            sock.on('error', reject);
            sock.on('close', () => resolve(data));
          });
          expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
          expect(reply).not.toContain('reached');
        } finally {
          await server.close();
        }
      });
      continue;
    }

    it(`${c.name}: verifies, and a one-byte change gives the suite's canonical request`, async () => {
      const opts = optsFor(token);
      const good = await verifySigV4(toLocal(req, extra), opts);
      expect(good).toMatchObject({ ok: true, accessKeyId: 'AKIDEXAMPLE' });

      const sig = /Signature=([0-9a-f]{64})/.exec(authz)![1]!;
      const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
      const badExtra = extra.map(([k, v]): [string, string] => (k === 'Authorization' ? [k, v.replace(sig, flipped)] : [k, v]));
      const bad = await verifySigV4(toLocal(req, badExtra), opts);
      expect(bad.ok).toBe(false);
      if (bad.ok) return;
      expect(bad.reason).toBe('mismatch');
      expect(bad.canonicalRequest).toBe(c.read('creq'));
      expect(bad.stringToSign).toBe(c.read('sts'));
      expect(bad.message).toContain(`The Canonical String for this request should have been\n'${c.read('creq')}'`);
    });
  }
});
