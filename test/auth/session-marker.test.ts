// The login marker: absent, valid, for other pools, or unreadable — and never a secret.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deleteMarker, markerFor, markerPath, newSessionId, readMarker, writeMarker, type SessionMarker } from '../../src/auth/session-marker.js';
import { SessionUnreadableError } from '../../src/auth/session-errors.js';
import type { Profile } from '../../src/config/profile.js';
import { tempDir } from '../helpers/cli.js';

const profile = { userPoolId: 'us-east-1_A', userPoolClientId: 'c', identityPoolId: 'us-east-1:i' } as Profile;
const marker: SessionMarker = {
  v: 1, id: newSessionId(), store: 'file', userPoolId: 'us-east-1_A', clientId: 'c', identityPoolId: 'us-east-1:i', username: 'u', loggedInAt: 1,
};

describe('session marker', () => {
  it('absent → undefined; written (0600) → read back; deleted → undefined again (twice is fine)', async () => {
    const dir = tempDir();
    expect(readMarker(dir, 'p')).toBeUndefined();
    await writeMarker(dir, 'p', marker);
    expect(readMarker(dir, 'p')).toEqual(marker);
    expect(statSync(markerPath(dir, 'p')).mode & 0o777).toBe(0o600);
    await deleteMarker(dir, 'p');
    await deleteMarker(dir, 'p');
    expect(readMarker(dir, 'p')).toBeUndefined();
  });

  it('ids are new every time; profile names become safe file names', () => {
    expect(newSessionId()).not.toBe(newSessionId());
    expect(markerPath('/c', 'a/b c')).toBe('/c/sessions/a%2Fb%20c.json');
  });

  it('a marker of other pools is no session for this profile', () => {
    expect(markerFor(marker, profile)).toBe(marker);
    expect(markerFor({ ...marker, clientId: 'other' }, profile)).toBeUndefined();
    expect(markerFor(undefined, profile)).toBeUndefined();
  });

  it.each([
    ['not JSON', '{oops', 'is not JSON'],
    ['not a record', '{"v":1,"id":""}', 'is not a session record'],
    ['an unknown store', JSON.stringify({ ...marker, store: 'cloud' }), 'is not a session record'],
  ])('%s → SessionUnreadableError (exit 3), naming the file', (_what, text, why) => {
    const dir = tempDir();
    mkdirSync(dirname(markerPath(dir, 'p')), { recursive: true });
    writeFileSync(markerPath(dir, 'p'), text);
    const err = (() => { try { readMarker(dir, 'p'); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(SessionUnreadableError);
    expect(err).toMatchObject({ exitCode: 3, message: expect.stringContaining(why), hint: 'run `authapi login --profile p` to replace it' });
    expect((err as Error).message).toContain(markerPath(dir, 'p'));
  });

  it('a file that cannot be read (here: a directory in its place) is reported, not taken for "logged out"', () => {
    const dir = tempDir();
    mkdirSync(markerPath(dir, 'p'), { recursive: true });
    expect(() => readMarker(dir, 'p')).toThrow(SessionUnreadableError);
  });
});
