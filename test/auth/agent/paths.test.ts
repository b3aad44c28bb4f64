import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  agentSocketDir, agentSocketPath, checkAgentDir, configDirHash, InsecureAgentDirError, prepareAgentDir,
} from '../../../src/auth/agent/paths.js';
import { tempDir } from '../../helpers/cli.js';

const uid = process.getuid!();

describe.skipIf(process.platform === 'win32')('agent paths (Unix sockets: skipped on Windows, where the agent is off)', () => {
  it('XDG_RUNTIME_DIR/authapi, else <tmpdir>/authapi-<uid>; one socket per config dir', () => {
    expect(agentSocketDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/authapi');
    expect(agentSocketDir({}, 1234)).toBe(join(tmpdir(), 'authapi-1234'));
    expect(agentSocketDir({ XDG_RUNTIME_DIR: 'relative' }, 7)).toBe(join(tmpdir(), 'authapi-7'));
    const a = agentSocketPath('/home/u/.config/authapi', { XDG_RUNTIME_DIR: '/r' });
    expect(a).toBe(`/r/authapi/agent-${configDirHash('/home/u/.config/authapi')}.sock`);
    expect(a).not.toBe(agentSocketPath('/tmp/other', { XDG_RUNTIME_DIR: '/r' }));
    expect(configDirHash('/x')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('the config dir hash is 64-bit FNV-1a (published test vectors) over UTF-8', () => {
    expect(configDirHash('')).toBe('cbf29ce484222325');
    expect(configDirHash('a')).toBe('af63dc4c8601ec8c');
    expect(configDirHash('foobar')).toBe('85944171f73967e8');
    expect(configDirHash('/home/caf\u00e9')).not.toBe(configDirHash('/home/cafe'));
  });

  it('creates the directory 0700', () => {
    const dir = join(tempDir(), 'authapi');
    prepareAgentDir(join(dir, 'agent-x.sock'));
    expect(checkAgentDir(dir)).toBe(true);
  });

  it('refuses a directory others can enter, one owned by someone else, or a symlink — and never fixes it', () => {
    const open = join(tempDir(), 'authapi');
    mkdirSync(open, { mode: 0o700 });
    chmodSync(open, 0o755);
    expect(() => prepareAgentDir(join(open, 'agent-x.sock'))).toThrow(InsecureAgentDirError);
    expect(() => checkAgentDir(open)).toThrow(/accessible to others \(mode 755\)/);

    const mine = join(tempDir(), 'authapi');
    mkdirSync(mine, { mode: 0o700 });
    expect(() => checkAgentDir(mine, uid + 1)).toThrow(/owned by uid/);

    const link = join(tempDir(), 'authapi');
    symlinkSync(mine, link);
    expect(() => checkAgentDir(link)).toThrow(/not a directory/);
    expect(checkAgentDir(join(tempDir(), 'absent'))).toBe(false);
  });
});
