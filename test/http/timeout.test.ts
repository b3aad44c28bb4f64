import { describe, expect, it } from 'vitest';
import { timeoutMs } from '../../src/http/timeout.js';
import { runBinary, tempDir, writeProfiles } from '../helpers/cli.js';

describe('--timeout', () => {
  it('seconds to ms; 0 = no timeout; default 30', () => {
    expect(timeoutMs(undefined)).toBe(30_000);
    expect(timeoutMs('0')).toBe(0);
    expect(timeoutMs('1.5')).toBe(1500);
    for (const bad of ['-1', 'x', '', 'Infinity']) expect(() => timeoutMs(bad), bad).toThrow(/--timeout .*: expected seconds \(0 for none\)/);
  });

  it('call and batch refuse a bad value alike (exit 2, one line), before sending anything', async () => {
    const dir = tempDir();
    writeProfiles(dir, { p: { region: 'us-east-1', userPoolId: 'us-east-1_abc', userPoolClientId: 'abc', identityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', apiUrl: 'http://127.0.0.1:9/prod', apiKey: 'k1234567890' } });
    for (const argv of [['call', 'no-auth', '--timeout', 'soon'], ['batch', '--timeout', 'soon']]) {
      const r = await runBinary([...argv, '--profile', 'p'], { env: { AUTHAPI_CONFIG_DIR: dir }, input: '{"path":"no-auth"}\n' });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toBe('authapi: --timeout "soon": expected seconds (0 for none)\n');
      expect(r.stdout).toBe('');
    }
  });
});
