import { describe, expect, it } from 'vitest';
import { agentKey, parseRequest, parseResponse, parseStart, ProtocolError } from '../../../src/auth/agent/protocol.js';

const creds = { accessKeyId: 'AKIA1', secretAccessKey: 's', sessionToken: 't', expiration: 1000, identityId: 'id', identityPoolId: 'pool' };
const tokens = { idToken: 'id.t.x', accessToken: 'ac.t.x', expiresAt: 2000, clientId: 'client' };

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
    expect(parseStart(JSON.stringify({ v: 1, socketPath: '/s', entries: { a: creds, b: { junk: 1 } } }))).toEqual({ v: 1, socketPath: '/s', entries: { a: creds }, tokens: {} });
    expect(parseStart(JSON.stringify({ v: 1, socketPath: '/s', entries: {}, tokens: { a: { ...tokens, refreshToken: 'never' }, b: { idToken: 'x' } } })))
      .toEqual({ v: 1, socketPath: '/s', entries: {}, tokens: { a: tokens } });
    expect(() => parseStart('{"v":2}')).toThrow(ProtocolError);
  });

  it('sign: a request without credentials, checked field by field', () => {
    const request = {
      method: 'GET', target: { protocol: 'http:', hostname: 'h', port: '8', path: '/p', query: [['a', 'b']] },
      headers: { 'content-type': 'x' }, region: 'eu-west-1', now: 5, apiKey: 'k', bodyBase64: 'aGk=',
    };
    const ok = { op: 'sign', key: 'k', identityPoolId: 'pool', validUntil: 9, request };
    expect(parseRequest(JSON.stringify({ ...ok, request: { ...request, extra: 'dropped' } }))).toEqual(ok);
    const bad = [
      { ...ok, identityPoolId: undefined }, { ...ok, validUntil: 'later' }, { ...ok, request: undefined },
      { ...ok, request: { ...request, method: 'get' } }, { ...ok, request: { ...request, target: { ...request.target, protocol: 'ftp:' } } },
      { ...ok, request: { ...request, target: { ...request.target, path: 'p' } } },
      { ...ok, request: { ...request, target: { ...request.target, query: [['a']] } } },
      { ...ok, request: { ...request, headers: { a: 1 } } }, { ...ok, request: { ...request, now: null } },
      { ...ok, request: { ...request, bodyBase64: 3 } }, { ...ok, request: { ...request, region: '' } },
    ];
    for (const b of bad) expect(() => parseRequest(JSON.stringify(b)), JSON.stringify(b)).toThrow(ProtocolError);
    const signed = { path: '/p', headers: { authorization: 'x' }, signature: 'ab' };
    expect(parseResponse(JSON.stringify({ ok: true, signed }))).toEqual({ ok: true, signed });
    expect(() => parseResponse(JSON.stringify({ ok: true, signed: { ...signed, headers: { a: 1 } } }))).toThrow(ProtocolError);
    expect(() => parseResponse(JSON.stringify({ ok: true, signed: { path: '/p' } }))).toThrow(ProtocolError);
  });

  it('tokens: put (with or without credentials; never a refresh token), token, forget only the tokens', () => {
    expect(parseRequest(JSON.stringify({ op: 'put', key: 'k', tokens: { ...tokens, refreshToken: 'never' }, readAt: 5 })))
      .toEqual({ op: 'put', key: 'k', tokens, readAt: 5 });
    expect(parseRequest(JSON.stringify({ op: 'put', key: 'k', credentials: creds, tokens }))).toEqual({ op: 'put', key: 'k', credentials: creds, tokens });
    const ask = { op: 'token', key: 'k', kind: 'access', clientId: 'client', validUntil: 9 };
    expect(parseRequest(JSON.stringify({ ...ask, extra: 1 }))).toEqual(ask);
    expect(parseRequest(JSON.stringify({ ...ask, kind: 'id' }))).toEqual({ ...ask, kind: 'id' });
    expect(parseRequest('{"op":"forget","key":"k","only":"tokens"}')).toEqual({ op: 'forget', key: 'k', only: 'tokens' });
    const bad = [
      { op: 'put', key: 'k', tokens: { ...tokens, idToken: '' } }, { op: 'put', key: 'k', tokens: { ...tokens, expiresAt: 'later' } },
      { op: 'put', key: 'k', tokens: { ...tokens, clientId: undefined } }, { op: 'put', key: 'k', credentials: creds, tokens: 'x' },
      { ...ask, kind: 'refresh' }, { ...ask, clientId: '' }, { ...ask, validUntil: null }, { ...ask, key: undefined },
      { op: 'forget', key: 'k', only: 'credentials' }, { op: 'forget', only: 'tokens' },
    ];
    for (const b of bad) expect(() => parseRequest(JSON.stringify(b)), JSON.stringify(b)).toThrow(ProtocolError);
    expect(parseResponse('{"ok":true,"token":"a.b.c"}')).toEqual({ ok: true, token: 'a.b.c' });
    expect(() => parseResponse('{"ok":true,"token":5}')).toThrow(ProtocolError);
  });

  it('keys name the config dir, profile and kind', () => {
    expect(agentKey('/c', 'local', 'guest')).toBe('/c|local|guest');
  });
});
