import { describe, expect, it } from 'vitest';
import { agentKey, parseRequest, parseResponse, parseStart, ProtocolError } from '../../../src/auth/agent/protocol.js';

const creds = { accessKeyId: 'AKIA1', secretAccessKey: 's', sessionToken: 't', expiration: 1000, identityId: 'id', identityPoolId: 'pool' };

describe('agent protocol', () => {
  it('parses every op and keeps only the credential fields', () => {
    expect(parseRequest('{"op":"get","key":"k"}')).toEqual({ op: 'get', key: 'k' });
    expect(parseRequest(JSON.stringify({ op: 'put', key: 'k', credentials: { ...creds, refreshToken: 'never' } })))
      .toEqual({ op: 'put', key: 'k', credentials: creds });
    expect(parseRequest(JSON.stringify({ op: 'put', key: 'k', credentials: creds, readAt: 5 }))).toEqual({ op: 'put', key: 'k', credentials: creds, readAt: 5 });
    expect(parseRequest('{"op":"forget"}')).toEqual({ op: 'forget' });
    expect(parseRequest('{"op":"forget","key":"k"}')).toEqual({ op: 'forget', key: 'k' });
    expect(parseRequest('{"op":"ping"}')).toEqual({ op: 'ping' });
    expect(parseRequest('{"op":"stop"}')).toEqual({ op: 'stop' });
  });

  it('refuses malformed requests', () => {
    for (const bad of ['nope', '42', 'null', '{"op":"get"}', '{"op":"put","key":"k"}', '{"op":"put","key":"k","credentials":{"accessKeyId":"a"}}',
      '{"op":"forget","key":3}', '{"op":"exec"}', JSON.stringify({ op: 'put', key: 'k', credentials: creds, readAt: 'soon' })]) {
      expect(() => parseRequest(bad), bad).toThrow(ProtocolError);
    }
  });

  it('checks responses and the start message', () => {
    expect(parseResponse('{"ok":true,"credentials":' + JSON.stringify(creds) + '}')).toEqual({ ok: true, credentials: creds });
    expect(() => parseResponse('{"ok":true,"credentials":{"x":1}}')).toThrow(ProtocolError);
    expect(() => parseResponse('{}')).toThrow(ProtocolError);
    expect(parseStart(JSON.stringify({ v: 1, socketPath: '/s', entries: { a: creds, b: { junk: 1 } } }))).toEqual({ v: 1, socketPath: '/s', entries: { a: creds } });
    expect(() => parseStart('{"v":2}')).toThrow(ProtocolError);
  });

  it('keys name the config dir, profile and kind', () => {
    expect(agentKey('/c', 'local', 'guest')).toBe('/c|local|guest');
  });
});
