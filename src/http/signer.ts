// How `call` signs its requests. First choice: the credentials agent signs them
// (src/auth/agent, op `sign`), so the calling process never holds the secret key and
// never loads node:crypto (~5 ms, near a tenth of `node -e ''`; bench/call.bench.mjs).
// Otherwise, and from then on for the run: credentials from the session layer
// (credential-source.ts: keychain, refresh, the guest fallback), signed here.
import type { Context } from '../context.js';
import type { AuthError } from '../errors.js';
import { DEFAULT_MIN_VALIDITY_MS, credentialsFor, register, type AwsCredentials, type GetCredentials } from './credential-source.js';
import type { SignInput, SignedRequest } from './sign.js';
import { wirePath } from './target.js';
import type { AgentSignRequest, AgentSigned } from '../auth/agent/protocol.js';

export type UnsignedRequest = Omit<SignInput, 'credentials'>;

/** Signs with the agent's credentials for this identity; undefined when it cannot. */
export type SignWithAgent = (ctx: Context, guest: boolean, request: AgentSignRequest) => Promise<AgentSigned | undefined>;

/**
 * Bodies larger than this are signed in-process: the agent's request line is capped
 * (MAX_LINE_BYTES, 64 KiB) and base64 grows a body by a third.
 */
export const AGENT_BODY_LIMIT = 32 * 1024;

export interface Signer {
  sign(req: UnsignedRequest): Promise<SignedRequest>;
  /** Whose credentials signed: known after the first sign. */
  readonly guest: boolean;
  /** Signed as a guest only because nobody is logged in. */
  readonly guestFallback: boolean;
  readonly notLoggedIn?: AuthError;
  /** The API refused the credentials: drop them, fresh ones once; true when in place. */
  refresh(): Promise<boolean>;
  /** Why refresh() could not get fresh credentials, when it could not. */
  readonly refreshFailure?: Error;
}

export function createSigner(ctx: Context, deps: { getCredentials: GetCredentials; signWithAgent?: SignWithAgent }, guest: boolean): Signer {
  let useAgent = deps.signWithAgent !== undefined;
  let held: { credentials: AwsCredentials; guest: boolean; guestFallback: boolean; notLoggedIn?: AuthError } | undefined;
  let refreshFailure: Error | undefined;

  const signer: Signer = {
    get guest() {
      return held?.guest ?? guest;
    },
    get guestFallback() {
      return held?.guestFallback ?? false;
    },
    get notLoggedIn() {
      return held?.notLoggedIn;
    },
    get refreshFailure() {
      return refreshFailure;
    },
    async sign(req) {
      if (useAgent && (req.body?.length ?? 0) <= AGENT_BODY_LIMIT) {
        const signed = await deps.signWithAgent!(ctx, guest, toAgentRequest(req));
        if (signed) {
          ctx.io.redactor.add(signed.signature, signed.headers['x-amz-security-token']);
          ctx.io.debug('signed by the credentials agent');
          return fromAgent(req, signed);
        }
      }
      useAgent = false; // it does not hold them now: this run signs in-process from here on
      held ??= await credentialsFor(ctx, deps.getCredentials, guest);
      const { signRequest } = await import('./sign.js');
      const signed = signRequest({ ...req, credentials: held.credentials });
      ctx.io.redactor.add(signed.signature);
      return signed;
    },
    async refresh() {
      useAgent = false;
      const kind = held?.guest ?? guest;
      try {
        const credentials = register(ctx, await deps.getCredentials(ctx, { guest: kind, forceRefresh: true }));
        held = { guestFallback: false, ...held, credentials, guest: kind };
        return true;
      } catch (err) {
        ctx.io.debug(`refreshing credentials failed: ${(err as Error).message}`);
        refreshFailure = err instanceof Error ? err : new Error(String(err));
        return false;
      }
    },
  };
  return signer;
}

function toAgentRequest(req: UnsignedRequest): AgentSignRequest {
  return {
    method: req.method,
    target: req.target,
    headers: req.headers ?? {},
    region: req.region,
    now: req.now,
    ...(req.body && req.body.length > 0 ? { bodyBase64: req.body.toString('base64') } : {}),
    ...(req.apiKey === undefined ? {} : { apiKey: req.apiKey }),
    ...(req.service === undefined ? {} : { service: req.service }),
  };
}

function fromAgent(req: UnsignedRequest, s: AgentSigned): SignedRequest {
  return {
    method: req.method,
    protocol: req.target.protocol,
    hostname: req.target.hostname,
    port: req.target.port,
    // The agent signed the canonical query; `?flag` goes on the wire as typed.
    path: wirePath(req.target),
    headers: s.headers,
    body: req.body && req.body.length > 0 ? req.body : undefined,
    signature: s.signature,
  };
}

/**
 * The session layer's agent signing: the profile's identity pool, credentials valid 5
 * more minutes, held under the key of the login recorded now (so never an older one).
 */
export const sessionSignWithAgent: SignWithAgent = async (ctx, guest, request) => {
  const { agentSign } = await import('../auth/agent/link.js');
  const { announceFileStore, currentMarker, sessionAgentKey } = await import('../auth/session-key.js');
  const profile = await ctx.profile();
  const marker = await currentMarker(ctx);
  if (!guest && !marker) return undefined; // nobody is logged in: the session layer says so (or signs as a guest)
  const key = sessionAgentKey(ctx, guest ? 'guest' : 'user', marker);
  if (!key) return undefined;
  const signed = await agentSign(ctx, key, profile.identityPoolId, ctx.clock.now() + DEFAULT_MIN_VALIDITY_MS, request);
  // A session in plaintext files is announced every run, as reading it would be.
  if (signed) announceFileStore(ctx, marker, profile.store);
  return signed;
};
