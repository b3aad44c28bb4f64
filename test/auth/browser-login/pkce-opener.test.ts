import { describe, expect, test } from 'vitest';
import { newPkce } from '../../../src/auth/browser-login/pkce.js';
import { openerCommand } from '../../../src/auth/browser-login/opener.js';
import { callbackTargets, DEFAULT_CALLBACK_URLS } from '../../../src/auth/browser-login/callback-urls.js';
import type { Profile } from '../../../src/config/profile.js';

describe('PKCE', () => {
  test('RFC 7636 appendix B: the verifier and its S256 challenge', () => {
    const octets = Buffer.from([116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121]);
    expect(newPkce(() => octets)).toEqual({
      verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    });
  });
});

describe('the opener', () => {
  const url = "http://127.0.0.1:1/oauth2/authorize?a=1&b='x'";
  test('BROWSER with %s, without it, and the first of a colon-separated list', () => {
    expect(openerCommand(url, { BROWSER: 'firefox --new-tab %s' })).toEqual({ file: `firefox --new-tab 'http://127.0.0.1:1/oauth2/authorize?a=1&b='\\''x'\\'''`, args: [], shell: true });
    expect(openerCommand(url, { BROWSER: 'w3m' }).file).toBe(`w3m 'http://127.0.0.1:1/oauth2/authorize?a=1&b='\\''x'\\'''`);
    expect(openerCommand(url, { BROWSER: 'lynx:w3m' }).file.startsWith('lynx ')).toBe(true);
  });
  test('the platform opener without BROWSER', () => {
    expect(openerCommand(url, {}, 'linux')).toEqual({ file: 'xdg-open', args: [url], shell: false });
    expect(openerCommand(url, {}, 'darwin')).toEqual({ file: 'open', args: [url], shell: false });
    expect(openerCommand(url, {}, 'win32').file).toBe('rundll32');
  });
});

describe('callback URLs', () => {
  const profile = { userPoolClientId: 'c' } as Profile;
  test('the template defaults, in order; --port narrows to a registered one', () => {
    expect(callbackTargets(profile).map((t) => t.url)).toEqual(DEFAULT_CALLBACK_URLS);
    expect(callbackTargets(profile, 47802)).toEqual([{ url: 'http://127.0.0.1:47802/callback', host: '127.0.0.1', port: 47802, path: '/callback' }]);
    expect(() => callbackTargets(profile, 8080)).toThrow(/--port 8080 is not the port of a registered callback URL/);
    expect(callbackTargets({ ...profile, loginCallbackUrls: ['http://[::1]:9/cb'] })[0]).toMatchObject({ host: '::1', port: 9, path: '/cb' });
  });
});
