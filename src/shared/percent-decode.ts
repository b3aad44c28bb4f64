// One percent-decoder for both sides of the wire: the CLI reads a query given in a
// URL with it (src/http/target.ts), the emulator reads what arrives (src/local/apigw/
// wire-url.ts), so the pairs the client signs and the pairs the verifier checks are
// decoded the same way. Imports nothing, so the CLI pays nothing for it at start-up.
//
// `%XX` sequences are bytes of UTF-8; a malformed escape is kept as typed and broken
// UTF-8 becomes U+FFFD — what node:querystring (and so aws4) computes. In a query
// (form rules) `+` is a space; in a path it is a literal `+`.

const HEX2 = /^[0-9A-Fa-f]{2}$/;

/** Percent-decodes without throwing: bad escapes stay as typed. */
export function percentDecode(s: string, plusIsSpace: boolean): string {
  if (!s.includes('%') && !(plusIsSpace && s.includes('+'))) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%' && HEX2.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '+' && plusIsSpace) {
      bytes.push(0x20);
    } else {
      // Whole code points: a character outside the BMP is two UTF-16 units.
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      if (ch.length === 2) i += 1;
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Form (query) decoding: `+` is a space. */
export function formDecode(s: string): string {
  return percentDecode(s, true);
}
