// What every part of the session layer shares: the seams tests inject, the lock
// directory, secret registration for redaction, and which store a profile's session
// lives in (the one recorded at login, else the one the user allows now).
import { join } from 'node:path';
import type { Context } from '../context.js';
import type { Profile } from '../config/profile.js';
import { createIdentityPoolApi, type IdentityPoolApi } from './identity.js';
import type { SessionMarker } from './session-marker.js';
import { openStore, openStoreOfKind } from './store/choose.js';
import { fileReasonForLogin } from './store/policy.js';
import type { SecretStore } from './store/types.js';
import type { UserPoolTransport } from './user-pool.js';

/** Seams for tests and for callers that already hold a client. */
export interface SessionDeps {
  store?: SecretStore;
  identityApi?: IdentityPoolApi;
  userPool?: UserPoolTransport;
}

export function lockDir(ctx: Context): string {
  return join(ctx.configDir, 'locks');
}

export function registerSecrets(ctx: Context, ...values: (string | undefined)[]): void {
  ctx.io.redactor.add(...values);
}

/**
 * The store of the profile's session: the injected one, else the one the login
 * recorded (so `login --insecure-storage` is remembered), else the policy's.
 */
export function sessionStore(ctx: Context, profile: Profile, marker: SessionMarker | undefined, deps: SessionDeps = {}): Promise<SecretStore> {
  if (deps.store) return Promise.resolve(deps.store);
  if (marker?.store === 'file' || marker?.store === 'keychain') return openStoreOfKind(ctx, marker.store, fileReasonForLogin(ctx, profile.store));
  return openStore(ctx, profile.store);
}

export function identityApiFor(ctx: Context, profile: Profile, deps: SessionDeps): () => Promise<IdentityPoolApi> {
  let api: Promise<IdentityPoolApi> | undefined;
  return () => (api ??= deps.identityApi ? Promise.resolve(deps.identityApi) : createIdentityPoolApi(profile, { signal: ctx.signal }));
}
