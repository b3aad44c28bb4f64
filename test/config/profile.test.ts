import { describe, expect, it } from 'vitest';
import { validateProfile, regionOfPool, checkValue } from '../../src/config/profile.js';
import { VALID_PROFILE } from '../helpers/profile-fixtures.js';

const OK = VALID_PROFILE;

describe('profile validation', () => {
  it('accepts a complete profile, with endpoints and store', () => {
    const { profile, problems } = validateProfile({ ...OK, endpoints: { cognitoIdp: 'http://127.0.0.1:1/' }, store: 'file' });
    expect(problems).toEqual([]);
    expect(profile?.endpoints?.cognitoIdp).toBe('http://127.0.0.1:1/');
    expect(validateProfile({ ...OK, admin: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's'.repeat(40) } }).problems).toEqual([]);
  });

  it.each([
    [{ ...OK, apiUrl: 'https://x/prod?x=1' }, 'apiUrl'],
    [{ ...OK, apiKey: 'has space' }, 'apiKey'],
    [{ ...OK, userPoolClientId: '' }, 'userPoolClientId is missing'],
    [{ ...OK, endpoints: { cognitoIdp: 'nope' } }, 'endpoints.cognitoIdp "nope" is not an http(s) URL'],
    [{ ...OK, endpoints: { s3: 'http://x' } }, 'unknown key "endpoints.s3"'],
    [{ ...OK, endpoints: [] }, 'endpoints must be an object'],
    [{ ...OK, store: 'paper' }, 'store "paper" is not valid'],
    [{ ...OK, clientSecret: 'a b' }, 'clientSecret "a b" is not valid'],
    [{ ...OK, admin: { accessKeyId: 'AKIAX' } }, 'admin must be an object with accessKeyId and secretAccessKey'],
    [null, 'not a JSON object'],
  ])('rejects %j', (raw, problem) => {
    const { profile, problems } = validateProfile(raw);
    expect(profile).toBeUndefined();
    expect(problems.join('\n')).toContain(problem);
  });

  it('knows regions and pool ids', () => {
    expect(checkValue('region', 'us-gov-west-1')).toBeUndefined();
    expect(checkValue('region', 'ap-southeast-2')).toBeUndefined();
    expect(regionOfPool('eu-central-1_abc')).toBe('eu-central-1');
    expect(regionOfPool('us-west-2:uuid')).toBe('us-west-2');
  });
});
