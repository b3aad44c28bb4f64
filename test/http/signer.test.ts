import { describe, expect, it, vi } from 'vitest';
import { createContext } from '../../src/context.js';
import { AuthError } from '../../src/errors.js';
import { testIO } from '../../src/io.js';
import { AGENT_BODY_LIMIT, createSigner, type SignWithAgent, type UnsignedRequest } from '../../src/http/signer.js';
import { signRequest } from '../../src/http/sign.js';
import type { GetCredentials } from '../../src/http/credential-source.js';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const user = { accessKeyId: 'ASIAUSER', secretAccessKey: 'user-secret', sessionToken: 'user-token', expiration: NOW + 3_600_000 };
const guestCreds = { accessKeyId: 'ASIAGUEST', secretAccessKey: 'guest-secret', sessionToken: 'guest-token', expiration: NOW + 3_600_000 };
const request: UnsignedRequest = {
  method: 'POST',
  target: { protocol: 'https:', hostname: 'api.example.com', port: '', path: '/prod/items', query: [['a', 'b c']] },
  headers: { 'content-type': 'application/json' },
  body: Buffer.from('{"x":1}'),
  apiKey: 'API-KEY',
  region: 'eu-west-1',
  now: NOW,
};

class NotLoggedInError extends AuthError {
  constructor() {
    super('not logged in (profile "default")', 'run `authapi login`');
  }
}

function setup(agent?: SignWithAgent, get: GetCredentials = async (_ctx, o) => (o?.guest ? guestCreds : user)) {
  const io = testIO({ verbose: true });
  const ctx = createContext({ io, env: {}, verbose: true });
  const getCredentials = vi.fn(get);
  return { io, ctx, getCredentials, signer: createSigner(ctx, { getCredentials, signWithAgent: agent }, false) };
}

/** An agent double that signs with `creds` the way the real one does (src/auth/agent/sign-request.ts). */
const agentWith = (creds: typeof user) => vi.fn<SignWithAgent>(async (_ctx, _guest, r) => {
  const s = signRequest({ ...r, body: r.bodyBase64 === undefined ? undefined : Buffer.from(r.bodyBase64, 'base64'), credentials: creds });
  return { path: s.path, headers: s.headers, signature: s.signature };
});

describe('signer: the agent signs when it can, the process otherwise', () => {
  it('an agent that holds the credentials signs every attempt; no credentials are read here', async () => {
    const agent = agentWith(user);
    const { io, signer, getCredentials } = setup(agent);
    const signed = await signer.sign(request);
    expect(signed).toEqual(signRequest({ ...request, credentials: user }));
    expect(agent).toHaveBeenCalledWith(expect.anything(), false, expect.objectContaining({ bodyBase64: Buffer.from('{"x":1}').toString('base64'), apiKey: 'API-KEY' }));
    await signer.sign({ ...request, now: NOW + 1000 });
    expect(agent).toHaveBeenCalledTimes(2);
    expect(getCredentials).not.toHaveBeenCalled();
    expect(signer.guest).toBe(false);
    expect(signer.guestFallback).toBe(false);
    // What came back is secret too: it never reaches stderr unmasked.
    expect(io.redactor.redact(`${signed.signature} ${signed.headers['x-amz-security-token']}`)).toBe('*** ***');
    expect(io.stderrText()).toContain('signed by the credentials agent');
  });

  it('no agent, or nothing usable in it: the session\'s credentials sign here, and the agent is not asked again', async () => {
    const agent = vi.fn<SignWithAgent>(async () => undefined);
    const { signer, getCredentials } = setup(agent);
    expect(await signer.sign(request)).toEqual(signRequest({ ...request, credentials: user }));
    await signer.sign(request);
    expect(agent).toHaveBeenCalledTimes(1);
    expect(getCredentials).toHaveBeenCalledTimes(1);

    const none = setup(undefined);
    expect(await none.signer.sign(request)).toEqual(signRequest({ ...request, credentials: user }));
  });

  it(`bodies over ${AGENT_BODY_LIMIT} bytes are signed here (the agent's request line is capped)`, async () => {
    const agent = agentWith(user);
    const { signer, getCredentials } = setup(agent);
    const big = { ...request, body: Buffer.alloc(AGENT_BODY_LIMIT + 1, 0x61) };
    expect(await signer.sign(big)).toEqual(signRequest({ ...big, credentials: user }));
    expect(agent).not.toHaveBeenCalled();
    expect(getCredentials).toHaveBeenCalledTimes(1);
  });

  it('nobody logged in: guest credentials, flagged as a fallback so a refusal says "log in"', async () => {
    // The agent holds nothing for the user: nobody is logged in.
    const { signer: s2 } = setup(vi.fn<SignWithAgent>(async () => undefined), async (_ctx, o) => {
      if (!o?.guest) throw Object.assign(new NotLoggedInError(), { name: 'NotLoggedInError' });
      return guestCreds;
    });
    expect(await s2.sign(request)).toEqual(signRequest({ ...request, credentials: guestCreds }));
    expect(s2.guest).toBe(true);
    expect(s2.guestFallback).toBe(true);
    expect(s2.notLoggedIn?.message).toContain('not logged in');
  });

  it('refresh: fresh credentials from the session (forceRefresh), signed here from then on', async () => {
    const fresh = { ...user, accessKeyId: 'ASIAFRESH', secretAccessKey: 'fresh-secret', sessionToken: 'fresh-token' };
    const agent = agentWith(user);
    const { signer, getCredentials } = setup(agent, async (_ctx, o) => (o?.forceRefresh ? fresh : user));
    await signer.sign(request);
    expect(await signer.refresh()).toBe(true);
    expect(getCredentials).toHaveBeenCalledWith(expect.anything(), { guest: false, forceRefresh: true });
    expect(await signer.sign(request)).toEqual(signRequest({ ...request, credentials: fresh }));
    expect(agent).toHaveBeenCalledTimes(1);

    const failing = setup(agent, async () => {
      throw new Error('network down');
    });
    expect(await failing.signer.refresh()).toBe(false);
  });
});
