import { describe, expect, test } from 'vitest';
import { formDecode, percentDecode } from '../../src/shared/percent-decode.js';
import { parseQueryText } from '../../src/http/target.js';
import { parseQuery } from '../../src/local/apigw/wire-url.js';

describe('percentDecode (one decoder for the CLI and the emulator)', () => {
  test('form rules in queries, literal + in paths', () => {
    expect(formDecode('a+b%20c')).toBe('a b c');
    expect(percentDecode('a+b', false)).toBe('a+b');
  });
  test('bad escapes stay as typed, broken UTF-8 becomes U+FFFD, astral characters survive', () => {
    expect(formDecode('100%')).toBe('100%');
    expect(formDecode('%zz%4')).toBe('%zz%4');
    expect(formDecode('%E1')).toBe('\ufffd');
    expect(formDecode('😀%20x')).toBe('😀 x');
    expect(percentDecode('a😀b', false)).toBe('a😀b');
  });
  test('what the client parses is what the emulator parses', () => {
    const raw = 'q=a+b&emoji=%F0%9F%98%80&bad=%zz&flag&x=😀';
    expect(parseQuery(raw)).toEqual(parseQueryText(raw));
  });
});
