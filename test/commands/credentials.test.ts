import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runCredentials, formatCredentials } from '../../src/commands/credentials.js';
import { exitCodeFor } from '../../src/errors.js';
import { SECRET_KEY, SESSION_TOKEN, ACCESS_KEY, setupContext, stubCredentials, testCredentials } from '../http/fixture-server.js';

describe('authapi credentials', () => {
  it('process: one line of minified credential_process JSON with Version 1 and the real RFC 3339 Expiration', async () => {
    const s = setupContext('https://abc123.execute-api.us-east-1.amazonaws.com/prod');
    await runCredentials(s.ctx, { format: 'process' }, { getCredentials: stubCredentials() });
    const out = s.io.stdoutText();
    expect(out.endsWith('\n')).toBe(true);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(out)).toEqual({
      Version: 1,
      AccessKeyId: ACCESS_KEY,
      SecretAccessKey: SECRET_KEY,
      SessionToken: SESSION_TOKEN,
      Expiration: '2030-01-01T00:00:00.000Z',
    });
    expect(s.io.stderrText()).toBe('');
  });

  it('env: export lines a POSIX shell can eval, with the region', () => {
    const text = formatCredentials(testCredentials({ secretAccessKey: "we'ird/+key" }), 'env', 'eu-west-1');
    const r = spawnSync('sh', ['-c', `${text}\nprintf '%s|%s|%s|%s' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_REGION"`], { encoding: 'utf8' });
    expect(r.stdout).toBe(`${ACCESS_KEY}|we'ird/+key|${SESSION_TOKEN}|eu-west-1`);
  });

  it('json: pretty JSON with the region; --guest asks for guest credentials', async () => {
    const s = setupContext('https://abc123.execute-api.us-east-1.amazonaws.com/prod');
    const creds = stubCredentials();
    await runCredentials(s.ctx, { format: 'json', guest: true }, { getCredentials: creds });
    expect(creds.calls).toEqual([{ guest: true }]);
    expect(JSON.parse(s.io.stdoutText())).toMatchObject({ AccessKeyId: 'ASIAGUESTACCESSKEY99', Region: 'us-east-1', Expiration: '2030-01-01T00:00:00.000Z' });
  });

  it('not logged in: exit 3, nothing on stdout, no guest fallback, no prompt', async () => {
    const s = setupContext('https://abc123.execute-api.us-east-1.amazonaws.com/prod', { tty: false });
    const creds = stubCredentials({ loggedIn: false });
    const err = await runCredentials(s.ctx, { format: 'process' }, { getCredentials: creds }).catch((e) => e);
    expect(exitCodeFor(err)).toBe(3);
    expect(err.hint).toMatch(/authapi login/);
    expect(s.io.stdoutText()).toBe('');
    expect(creds.calls).toEqual([{}]);
  });
});
