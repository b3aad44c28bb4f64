// RS256 signing keys of one pool: one for ID tokens, one for access tokens, as
// Cognito has (docs/protocols.md, "Tokens and JWKS"). Generated once per pool, lazily —
// 2048-bit RSA generation costs noticeable CPU — and kept in the state so tokens
// survive an emulator restart.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { SigningKeyState } from './state.js';

export interface LoadedKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: Record<string, string>;
}

export function generateSigningKey(): SigningKeyState {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
  // Cognito's kids are 44-character base64 strings; a digest of the modulus gives one.
  const kid = createHash('sha256').update(jwk.n ?? '').digest('base64');
  return { kid, jwk };
}

export function loadSigningKey(state: SigningKeyState): LoadedKey {
  const privateKey = createPrivateKey({ key: state.jwk, format: 'jwk' });
  const publicKey = createPublicKey(privateKey);
  const pub = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return {
    kid: state.kid,
    privateKey,
    publicKey,
    publicJwk: { alg: 'RS256', e: pub.e!, kid: state.kid, kty: 'RSA', n: pub.n!, use: 'sig' },
  };
}
