// The Identity Pool layer with an injected client: Logins key, cached identity ids,
// and what each refusal means.
import { describe, expect, it } from 'vitest';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import {
  createIdentityPoolApi, fetchIdentityCredentials, identityError, IdTokenRejectedError, loginsFor, type CognitoIdentityClientLike,
} from '../../src/auth/identity.js';
import { AwsServiceError } from '../../src/auth/aws-json.js';
import { AuthError, ConfigError, NetworkError, ThrottledError } from '../../src/errors.js';
import type { Profile } from '../../src/config/profile.js';

const PROFILE: Profile = {
  region: 'eu-west-1',
  userPoolId: 'eu-central-1_Pool123',
  userPoolClientId: 'client123',
  identityPoolId: 'us-east-2:11111111-2222-3333-4444-555555555555',
  apiUrl: 'https://x.execute-api.eu-west-1.amazonaws.com/prod',
  apiKey: 'key12345',
};

function sdkError(name: string, message: string, status = 400) {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

function fakeClient(handlers: { getId?: (input: any) => unknown; getCreds?: (input: any) => unknown }) {
  const sent: { op: string; input: any }[] = [];
  const client: CognitoIdentityClientLike = {
    async send(command: any) {
      const op = command instanceof GetIdCommand ? 'GetId' : command instanceof GetCredentialsForIdentityCommand ? 'GetCredentialsForIdentity' : '?';
      sent.push({ op, input: command.input });
      const h = op === 'GetId' ? handlers.getId : handlers.getCreds;
      return h!(command.input);
    },
  };
  return { client, sent };
}

const CREDS = { Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretKey: 'secret', SessionToken: 'token', Expiration: new Date(1_800_000_000_000) } };

describe('identity', () => {
  it('the Logins key is the user pool\'s issuer (its own region), the value the ID token', () => {
    expect(loginsFor(PROFILE, 'ID.TOKEN')).toEqual({ 'cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool123': 'ID.TOKEN' });
  });

  it('GetId once, then credentials with the same Logins; expiration in epoch ms', async () => {
    const { client, sent } = fakeClient({ getId: () => ({ IdentityId: 'us-east-2:abc' }), getCreds: () => CREDS });
    const api = await createIdentityPoolApi(PROFILE, { client });
    const out = await fetchIdentityCredentials(api, PROFILE, { idToken: 'ID.TOKEN' });
    expect(out).toEqual({ identityId: 'us-east-2:abc', credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token', expiration: 1_800_000_000_000 } });
    expect(sent).toEqual([
      { op: 'GetId', input: { IdentityPoolId: PROFILE.identityPoolId, Logins: loginsFor(PROFILE, 'ID.TOKEN') } },
      { op: 'GetCredentialsForIdentity', input: { IdentityId: 'us-east-2:abc', Logins: loginsFor(PROFILE, 'ID.TOKEN') } },
    ]);
  });

  it('a cached identity id skips GetId; one the pool no longer knows is fetched again once', async () => {
    let calls = 0;
    const { client, sent } = fakeClient({
      getId: () => ({ IdentityId: 'us-east-2:new' }),
      getCreds: (input) => {
        calls++;
        if (input.IdentityId === 'us-east-2:gone') throw sdkError('ResourceNotFoundException', 'Identity \'us-east-2:gone\' not found.');
        return CREDS;
      },
    });
    const api = await createIdentityPoolApi(PROFILE, { client });
    const out = await fetchIdentityCredentials(api, PROFILE, { identityId: 'us-east-2:gone' });
    expect(out.identityId).toBe('us-east-2:new');
    expect(sent.map((s) => s.op)).toEqual(['GetCredentialsForIdentity', 'GetId', 'GetCredentialsForIdentity']);
    expect(sent[1]!.input.Logins).toBeUndefined(); // a guest: no Logins at all
    expect(calls).toBe(2);
  });

  it('SDK failures become AwsServiceError (the service said no) or NetworkError (could not ask)', async () => {
    const refused = fakeClient({ getId: () => { throw sdkError('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.'); } });
    const e1 = await (await createIdentityPoolApi(PROFILE, { client: refused.client })).getId({ identityPoolId: 'x' }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(AwsServiceError);
    expect(e1).toMatchObject({ type: 'NotAuthorizedException', status: 400 });
    const down = fakeClient({ getId: () => { throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }); } });
    const e2 = await (await createIdentityPoolApi(PROFILE, { client: down.client })).getId({ identityPoolId: 'x' }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(NetworkError);
    expect(e2).toMatchObject({ exitCode: 6, message: expect.stringContaining('ECONNREFUSED') });
  });

  it('what refusals mean', () => {
    const err = (type: string, msg: string, status = 400) => new AwsServiceError(type, msg, status);
    expect(identityError(err('NotAuthorizedException', 'Invalid login token. Token expired: 1 >= 0'), 'p', false)).toBeInstanceOf(IdTokenRejectedError);
    expect(identityError(err('NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.'), 'p', true))
      .toMatchObject({ exitCode: 3, hint: expect.stringContaining('authapi login --profile p') });
    expect(identityError(err('NotAuthorizedException', 'Invalid login token. Missing a required claim: aud'), 'p', false)).toBeInstanceOf(AuthError);
    expect(identityError(err('ResourceNotFoundException', "IdentityPool 'x' not found."), 'p', false)).toBeInstanceOf(ConfigError);
    expect(identityError(err('TooManyRequestsException', 'Rate exceeded'), 'p', false)).toBeInstanceOf(ThrottledError);
    expect(identityError(err('InternalErrorException', 'boom', 500), 'p', false)).toBeInstanceOf(NetworkError);
  });
});
