// A logged-in session against the local stack, with every network call counted, so
// tests can assert "no network call" on the cached path.
import { createIdentityPoolApi, type IdentityPoolApi } from '../../../src/auth/identity.js';
import { completeLogin } from '../../../src/auth/login-complete.js';
import type { SessionDeps } from '../../../src/auth/session-deps.js';
import { srpLogin } from '../../../src/auth/srp-login.js';
import { httpUserPoolTransport, type UserPoolTransport } from '../../../src/auth/user-pool.js';
import type { Context } from '../../../src/context.js';
import { DEMO, type Stack } from './stack.js';

export interface Counted {
  deps: SessionDeps;
  /** e.g. ["InitiateAuth", "GetCredentialsForIdentity"] */
  calls: string[];
  bodies: Record<string, unknown>[];
}

export async function countedDeps(s: Stack): Promise<Counted> {
  const calls: string[] = [];
  const bodies: Record<string, unknown>[] = [];
  const http = httpUserPoolTransport(s.profile);
  const userPool: UserPoolTransport = async (op, body) => {
    calls.push(op === 'InitiateAuth' ? `InitiateAuth:${String(body.AuthFlow)}` : op);
    bodies.push(body);
    return http(op, body);
  };
  const real = await createIdentityPoolApi(s.profile);
  const identityApi: IdentityPoolApi = {
    getId: async (i) => { calls.push('GetId'); return real.getId(i); },
    getCredentialsForIdentity: async (i) => { calls.push('GetCredentialsForIdentity'); return real.getCredentialsForIdentity(i); },
  };
  return { deps: { userPool, identityApi }, calls, bodies };
}

/** Signs DEMO in and stores the session, as `authapi login` does. */
export async function loginAs(s: Stack, ctx: Context, deps: SessionDeps, user = DEMO) {
  const profile = await ctx.profile();
  const out = await srpLogin({
    profile, username: user.username, password: user.password, clock: ctx.clock, send: httpUserPoolTransport(profile),
    prompts: { mfaAttempts: 1, newPassword: async () => { throw new Error('x'); }, mfaCode: async () => { throw new Error('x'); }, selectMfa: async (o) => o[0]!, totpSetup: async () => { throw new Error('x'); } },
  });
  return completeLogin(ctx, profile, out.tokens, out.userIdForSrp, deps);
}
