// Reading a JWT's claims without verifying it (the CLI cannot verify offline; see
// verify-id-token.ts for the JWKS check `authapi status --verify` does). Only for
// display and for choosing the username SECRET_HASH needs — never for trust.
export type Claims = Record<string, unknown>;

export function decodeClaims(token: string): Claims | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Claims) : undefined;
  } catch {
    return undefined;
  }
}

export function stringClaim(claims: Claims | undefined, name: string): string | undefined {
  const v = claims?.[name];
  return typeof v === 'string' ? v : undefined;
}
