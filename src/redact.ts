// Redaction for everything that reaches a terminal or a log. Secrets are
// registered by value as soon as they are known (password, tokens, keys), and
// well-known secret-bearing shapes (SigV4 signatures, x-api-key headers, JWTs) are
// masked by pattern, so even a value nobody registered does not leak in --verbose.

const MASK = '***';

const PATTERNS: [RegExp, string][] = [
  [/(Signature=)[0-9a-f]{16,}/gi, `$1${MASK}`],
  [/(x-amz-security-token["']?\s*[:=]\s*["']?)[^\s"',;]+/gi, `$1${MASK}`],
  [/(x-api-key["']?\s*[:=]\s*["']?)[^\s"',;]+/gi, `$1${MASK}`],
  [/(X-Amz-Signature=)[0-9a-f]+/gi, `$1${MASK}`],
  // Credentials in a URL (a proxy's: http://user:password@host) and the header made of them.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi, `$1${MASK}@`],
  [/(proxy-authorization["']?\s*[:=]\s*["']?(?:basic\s+)?)[^\s"',;]+/gi, `$1${MASK}`],
  // JWTs (three base64url parts) and JWE-like refresh tokens (five parts).
  [/\beyJ[\w-]{8,}(?:\.[\w-]*){2,4}/g, MASK],
  [/("(?:password|Password|SecretKey|SecretAccessKey|SessionToken|secretAccessKey|sessionToken|RefreshToken|IdToken|AccessToken|refreshToken|idToken|accessToken|apiKey|clientSecret|PASSWORD|SRP_A|SECRET_HASH|PASSWORD_CLAIM_SIGNATURE)"\s*:\s*")[^"]*/g, `$1${MASK}`],
];

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret value; short values (< 4 chars) are ignored to keep output readable. */
  add(...values: (string | undefined | null)[]): void {
    for (const v of values) if (v && v.length >= 4) this.secrets.add(v);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
    for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
    return out;
  }
}
