import { describe, expect, it } from 'vitest';
import { noProxyMatches, parseProxyUrl, proxyFor } from '../../src/http/proxy.js';
import { ConfigError } from '../../src/errors.js';

const https = (hostname: string, port = '') => ({ protocol: 'https:', hostname, port });
const http = (hostname: string, port = '') => ({ protocol: 'http:', hostname, port });

describe('NO_PROXY matching', () => {
  const cases: Array<[string, string, string, boolean]> = [
    // list, host, effective port, bypass?
    ['*', 'anything.example', '443', true],
    ['example.com', 'example.com', '443', true],
    ['example.com', 'api.example.com', '443', true],
    ['example.com', 'a.b.example.com', '80', true],
    ['example.com', 'badexample.com', '443', false],
    ['example.com', 'example.com.evil', '443', false],
    ['.example.com', 'example.com', '443', true],
    ['.example.com', 'api.example.com', '443', true],
    ['*.example.com', 'api.example.com', '443', true],
    ['EXAMPLE.com', 'Api.Example.COM', '443', true],
    ['example.com.', 'example.com', '443', true],
    ['example.com:8443', 'example.com', '8443', true],
    ['example.com:8443', 'example.com', '443', false],
    ['127.0.0.1', '127.0.0.1', '80', true],
    ['127.0.0.1', '127.0.0.2', '80', false],
    ['127.0.0.1:3000', '127.0.0.1', '3000', true],
    ['127.0.0.1:3000', '127.0.0.1', '3001', false],
    ['10.0.0.0/8', '10.1.2.3', '443', true],
    ['10.0.0.0/8', '11.1.2.3', '443', false],
    ['10.0.0.0/8', 'ten.example', '443', false],
    ['::1', '[::1]', '443', true],
    ['[::1]:8080', '::1', '8080', true],
    ['[::1]:8080', '::1', '8081', false],
    ['fd00::/8', 'fd12::1', '443', true],
    ['localhost, 127.0.0.1 ,.internal', 'svc.internal', '443', true],
    ['localhost 127.0.0.1', '127.0.0.1', '443', true],
    ['', 'example.com', '443', false],
    [',,', 'example.com', '443', false],
    ['localhost', '127.0.0.1', '443', false],
  ];
  for (const [list, host, port, bypass] of cases) {
    it(`${JSON.stringify(list)} ${bypass ? 'exempts' : 'does not exempt'} ${host}:${port}`, () => {
      expect(noProxyMatches(list, host, port)).toBe(bypass);
    });
  }
});

describe('proxyFor', () => {
  it('uses HTTPS_PROXY for https targets and HTTP_PROXY for http ones', () => {
    const env = { HTTPS_PROXY: 'http://secure:1', HTTP_PROXY: 'http://plain:2' };
    expect(proxyFor(https('api.example'), env)?.hostname).toBe('secure');
    expect(proxyFor(https('api.example'), env)?.source).toBe('HTTPS_PROXY');
    expect(proxyFor(http('api.example'), env)?.hostname).toBe('plain');
    expect(proxyFor(https('api.example'), { HTTP_PROXY: 'http://plain:2' })).toBeUndefined();
    expect(proxyFor(http('api.example'), { HTTPS_PROXY: 'http://secure:1' })).toBeUndefined();
  });

  it('reads the lower-case names too, and prefers them', () => {
    expect(proxyFor(https('a'), { https_proxy: 'http://lower:1' })?.hostname).toBe('lower');
    expect(proxyFor(https('a'), { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' })?.source).toBe('https_proxy');
    expect(proxyFor(http('a'), { http_proxy: 'http://lower:1', HTTP_PROXY: 'http://upper:1' })?.hostname).toBe('lower');
    expect(proxyFor(https('a'), { https_proxy: '  ', HTTPS_PROXY: 'http://upper:1' })?.hostname).toBe('upper');
  });

  it('NO_PROXY / no_proxy exempt a host, with the protocol\'s default port when none is given', () => {
    const env = { HTTPS_PROXY: 'http://p:3128', NO_PROXY: 'internal.example,api.example:443' };
    expect(proxyFor(https('x.internal.example'), env)).toBeUndefined();
    expect(proxyFor(https('api.example'), env)).toBeUndefined();
    expect(proxyFor(https('api.example', '8443'), env)?.hostname).toBe('p');
    expect(proxyFor(https('other.example'), env)?.hostname).toBe('p');
    expect(proxyFor(https('x.internal.example'), { HTTPS_PROXY: 'http://p:3128', no_proxy: 'internal.example' })).toBeUndefined();
    expect(proxyFor(https('anything'), { HTTPS_PROXY: 'http://p:3128', NO_PROXY: '*' })).toBeUndefined();
  });
});

describe('proxy URLs', () => {
  it('takes credentials (percent-decoded) as Basic auth and masks the password in what it displays', () => {
    const p = parseProxyUrl('http://al%40ice:s%3Acret@proxy.corp:3128', 'HTTPS_PROXY');
    expect(p.authorization).toBe(`Basic ${Buffer.from('al@ice:s:cret').toString('base64')}`);
    expect(p.display).toBe('http://al%40ice:***@proxy.corp:3128');
    expect(p.display).not.toContain('cret');
    expect(p.secret).toBe('s:cret');
    expect(p.port).toBe(3128);
  });

  it('a bare host:port means http://; default ports 80 and 443', () => {
    expect(parseProxyUrl('proxy.corp:8080', 'HTTP_PROXY')).toMatchObject({ protocol: 'http:', hostname: 'proxy.corp', port: 8080, display: 'http://proxy.corp:8080' });
    expect(parseProxyUrl('http://proxy.corp', 'HTTP_PROXY').port).toBe(80);
    expect(parseProxyUrl('https://proxy.corp', 'HTTP_PROXY').port).toBe(443);
    expect(parseProxyUrl('http://[::1]:3128', 'HTTP_PROXY')).toMatchObject({ hostname: '::1', display: 'http://[::1]:3128' });
  });

  it('refuses what it cannot use, naming the variable (exit 2)', () => {
    expect(() => parseProxyUrl('socks5://proxy:1080', 'HTTPS_PROXY')).toThrow(ConfigError);
    expect(() => parseProxyUrl('socks5://proxy:1080', 'HTTPS_PROXY')).toThrow(/HTTPS_PROXY: socks5:\/\/ proxies are not supported/);
    expect(() => parseProxyUrl('http://bad host:1', 'http_proxy')).toThrow(/http_proxy is not a URL/);
  });
});
